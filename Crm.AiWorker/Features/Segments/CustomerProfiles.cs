using Crm.Domain;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Segments;

/// <summary>
/// One customer as segmentation sees it: a company, or a contact buying without one, with what its deals and
/// activities say about it. Values are in the workspace's currency: deals are summed as they are, without conversion
/// (one currency per workspace is assumed; a workspace selling in several gets mixed sums).
/// </summary>
/// <param name="EntityType">"company" or "contact".</param>
/// <param name="EntityId">The company's or contact's id.</param>
/// <param name="RecencyDays">Whole days from its last won deal's close to today (UTC).</param>
/// <param name="WonDeals">Won deals: the RFM frequency.</param>
/// <param name="WonValue">The sum of the won deals' values: the RFM monetary value.</param>
/// <param name="LostDeals">Lost deals (abandoned ones were never decided and do not count).</param>
/// <param name="RecentActivities">Activities linked to it in the last <see cref="CustomerProfiles.ActivityWindowDays"/> days.</param>
/// <param name="OpenDealValue">The sum of its open deals' values: business still in play.</param>
public sealed record CustomerProfile(
    string EntityType, Guid EntityId, int RecencyDays, int WonDeals, decimal WonValue, int LostDeals, int RecentActivities,
    decimal OpenDealValue)
{
    /// <summary>Won / (won + lost) of its closed deals; a customer always has a won deal, so this is above 0.</summary>
    public double WinRate => WonDeals + LostDeals == 0 ? 0 : (double)WonDeals / (WonDeals + LostDeals);
}

/// <summary>
/// Reads the customers of a workspace: every live company with a won deal, and every live contact with a won deal who
/// belongs to no company. A deal counts for its company; a deal with only a contact counts for the contact's company
/// when it has one (a buyer at Acme buys for Acme), else for the contact. Deals of deleted companies or contacts, and
/// deleted deals, are left out.
/// </summary>
public static class CustomerProfiles
{
    public const string Company = "company";

    public const string Contact = "contact";

    /// <summary>How far back "recent activity" looks.</summary>
    public const int ActivityWindowDays = 90;

    /// <summary>The customers of the context's workspace, ordered by type and id so that every run sees them in the same order.</summary>
    public static async Task<IReadOnlyList<CustomerProfile>> LoadAsync(CrmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var companies = (await db.Companies.AsNoTracking().Where(c => c.DeletedAt == null).Select(c => c.Id).ToListAsync(cancellationToken))
            .ToHashSet();
        var contacts = await db.Contacts.AsNoTracking().Where(c => c.DeletedAt == null)
            .Select(c => new { c.Id, c.CompanyId }).ToDictionaryAsync(c => c.Id, c => c.CompanyId, cancellationToken);

        (string Type, Guid Id)? CustomerOf(Guid? companyId, Guid? contactId)
        {
            if (companyId is { } company)
            {
                return companies.Contains(company) ? (Company, company) : null;
            }
            if (contactId is { } contact && contacts.TryGetValue(contact, out var itsCompany))
            {
                return itsCompany is { } employer && companies.Contains(employer) ? (Company, employer) : (Contact, contact);
            }
            return null;
        }

        var deals = await db.Deals.AsNoTracking()
            .Where(d => d.DeletedAt == null && d.Status != DealStatus.Abandoned && (d.CompanyId != null || d.ContactId != null))
            .Select(d => new { d.CompanyId, d.ContactId, d.Status, d.Value, d.ActualCloseDate, d.UpdatedAt })
            .ToListAsync(cancellationToken);
        var since = now.AddDays(-ActivityWindowDays);
        var activities = await db.Activities.AsNoTracking()
            .Where(a => a.DeletedAt == null && a.OccurredAt >= since && a.OccurredAt <= now && (a.CompanyId != null || a.ContactId != null))
            .GroupBy(a => new { a.CompanyId, a.ContactId })
            .Select(g => new { g.Key.CompanyId, g.Key.ContactId, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var recentActivities = new Dictionary<(string, Guid), int>();
        foreach (var group in activities)
        {
            if (CustomerOf(group.CompanyId, group.ContactId) is { } customer)
            {
                recentActivities[customer] = recentActivities.GetValueOrDefault(customer) + group.Count;
            }
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var profiles = new List<CustomerProfile>();
        foreach (var customer in deals
                     .Select(d => (Customer: CustomerOf(d.CompanyId, d.ContactId), Deal: d))
                     .Where(x => x.Customer is not null)
                     .GroupBy(x => x.Customer!.Value, x => x.Deal))
        {
            var won = customer.Where(d => d.Status == DealStatus.Won).ToList();
            if (won.Count == 0)
            {
                continue;
            }
            // A won deal without its close date (imported, say) closed when it was last changed.
            var lastClose = won.Max(d => d.ActualCloseDate ?? DateOnly.FromDateTime(d.UpdatedAt.UtcDateTime));
            profiles.Add(new CustomerProfile(
                customer.Key.Type, customer.Key.Id,
                RecencyDays: Math.Max(0, today.DayNumber - lastClose.DayNumber),
                WonDeals: won.Count,
                WonValue: won.Sum(d => d.Value),
                LostDeals: customer.Count(d => d.Status == DealStatus.Lost),
                RecentActivities: recentActivities.GetValueOrDefault(customer.Key),
                OpenDealValue: customer.Where(d => d.Status == DealStatus.Open).Sum(d => d.Value)));
        }
        return [.. profiles.OrderBy(p => p.EntityType, StringComparer.Ordinal).ThenBy(p => p.EntityId)];
    }
}
