using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Domain.Contacts;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.CompanyContacts;

/// <summary>
/// The links between companies and contacts (company_contacts; docs/api.md, "Company contacts"):
/// <c>GET /api/v1/companies/{companyId}/contacts</c> and <c>GET /api/v1/contacts/{contactId}/companies</c> list both the
/// links and the contacts whose own companyId is the company; <c>PUT</c> and <c>DELETE
/// /api/v1/companies/{companyId}/contacts/{contactId}</c> create, change and remove a link. Both records must be live
/// ones the caller sees (404 otherwise, also for another workspace's ids). A contact has at most one primary company:
/// making a link primary makes the contact's other primary link non-primary in the same transaction. Every change
/// locks the contact's row first, so concurrent changes of one contact's links queue, and writes an audit row per link
/// changed (entity type company_contact).
/// </summary>
internal static class CompanyContactEndpoints
{
    public const string EntityType = "company_contact";

    private const int MaxRoleLength = 100;

    // Every change here locks the contact's row first, so these only answer a concurrent write from elsewhere: 409, never 500.
    private static readonly UniqueConflict[] Conflicts =
    [
        new("company_contacts_one_primary", "isPrimary", "Another link of the contact was made primary at the same time; retry."),
        new("company_contacts_unique", "contactId", "The contact was linked to the company at the same time; retry."),
    ];

    public static IEndpointRouteBuilder MapCompanyContactEndpoints(this IEndpointRouteBuilder routes)
    {
        var companies = routes.MapGroup("/api/v1/companies/{companyId:guid}/contacts").WithTags("Companies").RequireAuthorization()
            .RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        companies.MapGet("/", ListContactsAsync)
            .WithName("ListCompanyContacts")
            .WithSummary("List a company's contacts")
            .WithDescription("The live contacts the caller sees that are linked to the company (viaLink, with the link's role and isPrimary) " +
                             "or whose own companyId is the company (viaCompanyId), or both. Cursor-paged, sorted, filtered and searched like every list.")
            .Produces<ListPage<CompanyContactResponse>>()
            .ProducesValidationProblem();

        companies.MapPut("/{contactId:guid}", PutAsync)
            .WithName("PutCompanyContact")
            .WithSummary("Link a contact to a company, or change the link")
            .WithDescription("The body ({role, isPrimary}) merges onto the link there is: a member left out keeps its value. 201 when the link is new, " +
                             "200 when it was there. isPrimary true makes the contact's other primary link non-primary, in the same transaction.")
            .Accepts<CompanyContactInput>("application/json")
            .Produces<CompanyContactLinkResponse>()
            .Produces<CompanyContactLinkResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        companies.MapDelete("/{contactId:guid}", DeleteAsync)
            .WithName("DeleteCompanyContact")
            .WithSummary("Unlink a contact from a company")
            .WithDescription("Removes the link (404 when there is none). The contact's own companyId is not changed: PATCH the contact for that.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        routes.MapGroup("/api/v1/contacts/{contactId:guid}/companies").WithTags("Contacts").RequireAuthorization()
            .RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .MapGet("/", ListCompaniesAsync)
            .WithName("ListContactCompanies")
            .WithSummary("List a contact's companies")
            .WithDescription("The live companies the caller sees that the contact is linked to (viaLink, with the link's role and isPrimary) " +
                             "or that are its own companyId (viaCompanyId), or both. Cursor-paged, sorted, filtered and searched like every list.")
            .Produces<ListPage<ContactCompanyResponse>>()
            .ProducesValidationProblem();

        return routes;
    }

    private static async Task<IResult> ListContactsAsync(
        Guid companyId, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await services.Visible(services.Db.Companies).AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            return ResourceRequests.NotFound("company");
        }
        var page = await CompanyContactListing.ContactsOf(services, companyId)
            .ToListResultAsync(CompanyContactListing.Contacts, query, CompanyContactListing.ToResponse, cancellationToken);
        return page.Result;
    }

    private static async Task<IResult> ListCompaniesAsync(
        Guid contactId, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var contact = await services.Visible(services.Db.Contacts).Where(c => c.Id == contactId)
            .Select(c => new { c.CompanyId }).FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            return ResourceRequests.NotFound("contact");
        }
        var page = await CompanyContactListing.CompaniesOf(services, contactId, contact.CompanyId)
            .ToListResultAsync(CompanyContactListing.Companies, query, CompanyContactListing.ToResponse, cancellationToken);
        return page.Result;
    }

    private static async Task<IResult> PutAsync(Guid companyId, Guid contactId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockBothAsync(services, companyId, contactId, cancellationToken) is { } missing)
        {
            return missing;
        }
        var link = await db.CompanyContacts.FirstOrDefaultAsync(l => l.CompanyId == companyId && l.ContactId == contactId, cancellationToken);
        var parsed = MergePatch.Apply(link is null ? new CompanyContactInput() : ToInput(link), body.Text!, services.Json);
        if (parsed.Errors is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }
        var input = parsed.Value! with { Role = Clean(parsed.Value!.Role) };
        if (input.Role?.Length > MaxRoleLength)
        {
            return ResourceRequests.Invalid("role", $"At most {MaxRoleLength} characters.");
        }

        var audit = services.Audit;
        if (input.IsPrimary && link?.IsPrimary != true)
        {
            var primaries = await db.CompanyContacts.Where(l => l.ContactId == contactId && l.IsPrimary).ToListAsync(cancellationToken);
            foreach (var primary in primaries)
            {
                Change(audit, primary, ToInput(primary) with { IsPrimary = false });
            }
            // Saved before the new primary: the unique index allows one primary link per contact after every statement.
            if (await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken) is { } unprimaryFailed)
            {
                return unprimaryFailed.Result;
            }
        }
        var created = link is null;
        if (link is null)
        {
            link = new CompanyContact { CompanyId = companyId, ContactId = contactId, CreatedBy = services.Caller.UserId, CreatedAt = services.Now };
            Apply(input, link);
            db.CompanyContacts.Add(link);
            audit.Created(EntityType, link.Id, Snapshot(audit, link));
        }
        else
        {
            Change(audit, link, input);
        }
        if (await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        var response = ToResponse(link);
        return created
            ? TypedResults.Created($"/api/v1/companies/{companyId}/contacts/{contactId}", response)
            : TypedResults.Ok(response);
    }

    private static async Task<IResult> DeleteAsync(Guid companyId, Guid contactId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockBothAsync(services, companyId, contactId, cancellationToken) is { } missing)
        {
            return missing;
        }
        var link = await db.CompanyContacts.FirstOrDefaultAsync(l => l.CompanyId == companyId && l.ContactId == contactId, cancellationToken);
        if (link is null)
        {
            return ResourceRequests.NotFound("link of this contact to this company");
        }
        db.CompanyContacts.Remove(link);
        var audit = services.Audit;
        audit.Record(AuditAction.Deleted, EntityType, link.Id, Snapshot(audit, link), null);
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Locks the contact's row for the transaction, so concurrent changes of its links queue; answers the 404 when the
    /// company or the contact is not a live one the caller sees, or null when both are.
    /// </summary>
    private static async Task<IResult?> LockBothAsync(ResourceServices services, Guid companyId, Guid contactId, CancellationToken cancellationToken)
    {
        var db = services.Db;
        // Raw SQL skips the query filter; the row-level security policy still limits it to the session's workspace.
        await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM contacts WHERE id = {contactId} AND deleted_at IS NULL FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken);
        if (!await services.Visible(db.Companies).AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            return ResourceRequests.NotFound("company");
        }
        return await services.Visible(db.Contacts).AnyAsync(c => c.Id == contactId, cancellationToken) ? null : ResourceRequests.NotFound("contact");
    }

    /// <summary>Applies <paramref name="input"/> to a stored link, with an audit row when anything changed.</summary>
    private static void Change(AuditTrail audit, CompanyContact link, CompanyContactInput input)
    {
        var before = Snapshot(audit, link);
        Apply(input, link);
        audit.Updated(EntityType, link.Id, before, Snapshot(audit, link));
    }

    /// <summary>The link's fields for its audit rows, with the records it links.</summary>
    private static JsonObject Snapshot(AuditTrail audit, CompanyContact link)
    {
        var values = audit.Snapshot(ToInput(link));
        values["companyId"] = link.CompanyId;
        values["contactId"] = link.ContactId;
        return values;
    }

    private static CompanyContactInput ToInput(CompanyContact link) => new() { Role = link.Role, IsPrimary = link.IsPrimary };

    private static void Apply(CompanyContactInput input, CompanyContact link)
    {
        link.Role = input.Role;
        link.IsPrimary = input.IsPrimary;
    }

    private static CompanyContactLinkResponse ToResponse(CompanyContact l) =>
        new(l.Id, l.CompanyId, l.ContactId, l.Role, l.IsPrimary, l.CreatedBy, l.CreatedAt);
}
