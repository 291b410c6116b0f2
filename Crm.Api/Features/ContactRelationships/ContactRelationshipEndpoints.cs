using System.Text.Json.Nodes;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Timeline;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Domain.Contacts;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.ContactRelationships;

/// <summary>
/// <c>/api/v1/contacts/{contactId}/relationships</c> (docs/api.md, "Contact relationships"): how a contact relates to
/// other contacts. A relationship is stored once and shown from both contacts, from the other one with the inverse type
/// (<see cref="RelationshipTypes.Inverse"/>), so "Ann reports_to Bob" and "Bob manages Ann" are one relationship and
/// the second is a 409. Both contacts must be live ones the caller sees (404 for the contact of the URL, 400 on
/// relatedContactId); every change writes an audit row (entity type contact_relationship).
/// </summary>
internal static class ContactRelationshipEndpoints
{
    public const string EntityType = "contact_relationship";

    private const int MaxDescriptionLength = 2000;

    private const string Duplicate = "These contacts already have this relationship (possibly stored from the other contact, with the inverse type).";

    // The pre-check answers a duplicate; these answer one created by a concurrent request.
    private static readonly UniqueConflict[] Conflicts =
    [
        new("contact_relationships_unique", "relatedContactId", Duplicate),
        new("contact_relationships_canonical_unique", "relatedContactId", Duplicate),
    ];

    public static IEndpointRouteBuilder MapContactRelationshipEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/contacts/{contactId:guid}/relationships").WithTags("Contacts").RequireAuthorization()
            .RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/", ListAsync)
            .WithName("ListContactRelationships")
            .WithSummary("List a contact's relationships")
            .WithDescription("Both directions: one stored from the other contact shows with the inverse type (reports_to and manages swap) and inverse true. " +
                             "Only relationships with live contacts the caller sees. Cursor-paged, filtered and searched (over the related contact) like every list.")
            .Produces<ListPage<ContactRelationshipResponse>>()
            .ProducesValidationProblem();

        group.MapGet("/{relationshipId:guid}", GetAsync)
            .WithName("GetContactRelationship")
            .WithSummary("Get a relationship of a contact")
            .WithDescription("As seen from the contact of the URL.")
            .Produces<ContactRelationshipResponse>();

        group.MapPost("/", CreateAsync)
            .WithName("CreateContactRelationship")
            .WithSummary("Relate a contact to another contact")
            .WithDescription("\"This contact {type} relatedContactId\". 409 when the contacts have this relationship already, also stored from the other " +
                             "contact with the inverse type; 400 for the contact itself. Idempotency-Key replays the first response.")
            .Accepts<ContactRelationshipInput>("application/json")
            .Produces<ContactRelationshipResponse>(StatusCodes.Status201Created)
            .ProducesCreateProblems(StatusCodes.Status409Conflict);

        group.MapDelete("/{relationshipId:guid}", DeleteAsync)
            .WithName("DeleteContactRelationship")
            .WithSummary("Remove a relationship")
            .WithDescription("From either of its contacts: the relationship is gone for both.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return routes;
    }

    private static async Task<IResult> ListAsync(Guid contactId, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await IsVisibleAsync(services, contactId, cancellationToken))
        {
            return ResourceRequests.NotFound("contact");
        }
        var page = await ContactRelationshipListing.Of(services, contactId)
            .ToListResultAsync(ContactRelationshipListing.Schema, query, ContactRelationshipListing.ToResponse, cancellationToken);
        return page.Result;
    }

    private static async Task<IResult> GetAsync(Guid contactId, Guid relationshipId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var row = await IsVisibleAsync(services, contactId, cancellationToken)
            ? await ContactRelationshipListing.Of(services, contactId).FirstOrDefaultAsync(r => r.Id == relationshipId, cancellationToken)
            : null;
        return row is null ? NotFound() : TypedResults.Ok(ContactRelationshipListing.ToResponse(row));
    }

    private static async Task<IResult> CreateAsync(Guid contactId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        var post = await ResourceRequests.BeginJsonPostAsync(services, cancellationToken);
        if (post.Answer is { } answer)
        {
            return answer;
        }
        if (!await IsVisibleAsync(services, contactId, cancellationToken))
        {
            return ResourceRequests.NotFound("contact");
        }
        var parsed = MergePatch.Apply(new ContactRelationshipInput(), post.Body!, services.Json);
        if (parsed.Errors is { } invalid)
        {
            return TypedResults.ValidationProblem(invalid);
        }
        var errors = new Dictionary<string, string[]>();
        var input = await ValidateAsync(services, contactId, parsed.Value!, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (relatedId, type) = (input.RelatedContactId!.Value, input.Type!.Value);
        var inverse = type.Inverse();
        if (await db.ContactRelationships.AnyAsync(r =>
                (r.ContactId == contactId && r.RelatedContactId == relatedId && r.RelationshipType == type) ||
                (r.ContactId == relatedId && r.RelatedContactId == contactId && r.RelationshipType == inverse), cancellationToken))
        {
            return ResourceRequests.Conflict(Duplicate, "relatedContactId");
        }
        var relationship = new ContactRelationship
        {
            ContactId = contactId,
            RelatedContactId = relatedId,
            RelationshipType = type,
            Description = input.Description,
            CreatedBy = services.Caller.UserId,
            CreatedAt = services.Now,
        };
        db.ContactRelationships.Add(relationship);
        var audit = services.Audit;
        audit.Created(EntityType, relationship.Id, Snapshot(audit, relationship));
        var location = $"/api/v1/contacts/{contactId}/relationships/{relationship.Id}";
        var response = await ResponseAsync(services, relationship, cancellationToken);
        var failed = await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken, beforeCommit: () =>
            post.Key?.Remember(db, StatusCodes.Status201Created, location, response, services.Json));
        if (failed is not null)
        {
            return await ResourceRequests.AnswerAsync(failed, post.Key, db, cancellationToken);
        }
        return TypedResults.Created(location, response);
    }

    private static async Task<IResult> DeleteAsync(Guid contactId, Guid relationshipId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        // Found through the listing's query, so only a relationship the caller sees, with both of its contacts, goes.
        var shown = await IsVisibleAsync(services, contactId, cancellationToken)
            && await ContactRelationshipListing.Of(services, contactId).AnyAsync(r => r.Id == relationshipId, cancellationToken);
        var relationship = shown ? await db.ContactRelationships.FirstOrDefaultAsync(r => r.Id == relationshipId, cancellationToken) : null;
        if (relationship is null)
        {
            return NotFound();
        }
        db.ContactRelationships.Remove(relationship);
        var audit = services.Audit;
        audit.Record(AuditAction.Deleted, EntityType, relationship.Id, Snapshot(audit, relationship), null);
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The input trimmed, with its errors: type and relatedContactId required, the related contact another live one the
    /// caller sees, the description within its column.
    /// </summary>
    private static async Task<ContactRelationshipInput> ValidateAsync(
        ResourceServices services, Guid contactId, ContactRelationshipInput input, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var normalized = input with { Description = Clean(input.Description) };
        if (normalized.Type is null)
        {
            errors["type"] = ["Type is required: reports_to, manages, colleague, partner, vendor or customer."];
        }
        if (normalized.RelatedContactId is null)
        {
            errors["relatedContactId"] = ["relatedContactId is required."];
        }
        else if (normalized.RelatedContactId == contactId)
        {
            errors["relatedContactId"] = ["A contact cannot be related to itself."];
        }
        else
        {
            await RecordLinks.CheckAsync(services.Visible(services.Db.Contacts), [(normalized.RelatedContactId, "relatedContactId")], "contact", errors, cancellationToken);
        }
        CheckLengths([("description", normalized.Description, MaxDescriptionLength)], (field, message) => errors[field] = [message]);
        return normalized;
    }

    /// <summary>The new relationship as the contact of the URL sees it (stored from it, so not inverse).</summary>
    private static async Task<ContactRelationshipResponse> ResponseAsync(
        ResourceServices services, ContactRelationship relationship, CancellationToken cancellationToken)
    {
        var related = await services.Db.Contacts.AsNoTracking().Where(c => c.Id == relationship.RelatedContactId)
            .Select(c => new ContactSummary(c.Id, c.FirstName, c.LastName, c.Email, c.Title)).FirstAsync(cancellationToken);
        return new(relationship.Id, relationship.ContactId, relationship.RelatedContactId, relationship.RelationshipType, false,
            relationship.Description, related, relationship.CreatedBy, relationship.CreatedAt);
    }

    private static Task<bool> IsVisibleAsync(ResourceServices services, Guid contactId, CancellationToken cancellationToken) =>
        services.Visible(services.Db.Contacts).AnyAsync(c => c.Id == contactId, cancellationToken);

    /// <summary>The relationship as stored, for its audit rows.</summary>
    private static JsonObject Snapshot(AuditTrail audit, ContactRelationship r)
    {
        var values = audit.Snapshot(new ContactRelationshipInput { RelatedContactId = r.RelatedContactId, Type = r.RelationshipType, Description = r.Description });
        values["contactId"] = r.ContactId;
        return values;
    }

    private static IResult NotFound() => ResourceRequests.NotFound("relationship");
}
