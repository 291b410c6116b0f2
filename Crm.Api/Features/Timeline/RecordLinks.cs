using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Timeline;

/// <summary>The contact, company, deal and lead an activity, task or note input links to (each may be null).</summary>
public interface ILinkedInput
{
    Guid? ContactId { get; }

    Guid? CompanyId { get; }

    Guid? DealId { get; }

    Guid? LeadId { get; }
}

/// <summary>
/// The checks of <see cref="ILinkedInput"/> links that activities, tasks and notes share: each link must name a live
/// record the caller sees (so never one of another workspace), checked in one query per kind for a whole batch.
/// </summary>
internal static class RecordLinks
{
    public const string Required = "Link it to a record: give at least one of contactId, companyId, dealId or leadId.";

    public static bool Any(ILinkedInput links) =>
        links.ContactId is not null || links.CompanyId is not null || links.DealId is not null || links.LeadId is not null;

    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(ILinkedInput Links, string Prefix)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        await CheckAsync(services.Visible(db.Contacts), items.Select(i => (i.Links.ContactId, i.Prefix + "contactId")), "contact", errors, cancellationToken);
        await CheckAsync(services.Visible(db.Companies), items.Select(i => (i.Links.CompanyId, i.Prefix + "companyId")), "company", errors, cancellationToken);
        await CheckAsync(services.Visible(db.Deals), items.Select(i => (i.Links.DealId, i.Prefix + "dealId")), "deal", errors, cancellationToken);
        await CheckAsync(services.Visible(db.Leads), items.Select(i => (i.Links.LeadId, i.Prefix + "leadId")), "lead", errors, cancellationToken);
    }

    /// <summary>Fails each field whose id is not among the <paramref name="visible"/> records ("No such contact.").</summary>
    public static async Task CheckAsync<T>(
        IQueryable<T> visible, IEnumerable<(Guid? Id, string Field)> references, string noun, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
        where T : class, IBusinessRecord
    {
        var named = references.Where(r => r.Id is not null).ToList();
        var ids = named.Select(r => r.Id!.Value).Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }
        var found = await visible.Where(r => ids.Contains(r.Id)).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var (_, field) in named.Where(r => !found.Contains(r.Id!.Value)))
        {
            errors[field] = [$"No such {noun}."];
        }
    }
}
