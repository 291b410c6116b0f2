using Crm.Api.Infrastructure.Caching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Contacts;
using Crm.Domain.Records;

namespace Crm.Api.Features.Contacts;

/// <summary>
/// <c>/api/v1/contacts</c>, built like <c>/api/v1/companies</c> (docs/api.md, "Companies" and "Contacts"): the
/// endpoints are the shared ones of <see cref="ResourceMapping.MapResource"/>; this is what is a contact's own.
/// </summary>
public static class ContactEndpoints
{
    public const string EntityType = "contact";

    public const int MaxBatchSize = ResourceRequests.MaxBatchSize;

    internal static readonly ResourceDefinition<Contact, ContactInput, ContactResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "contacts",
        OperationSingular = "Contact",
        OperationPlural = "Contacts",
        ListDescription = "Cursor-paged; sort, filter[field][op] (and filter[tag]) and q over first name, last name and email (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].email).",
        RestoreDescription = "409 when a live contact has taken its email meanwhile.",
        Set = db => db.Contacts,
        New = id => new Contact { Id = id },
        Listing = ContactListing.Schema,
        ObjectType = ObjectType.Contact,
        CacheKind = CacheKeys.ContactKind,
        ToInput = c => c.ToInput(),
        ToResponse = c => c.ToResponse(),
        WithTags = (response, tags) => response with { Tags = tags },
        Apply = (input, contact) => input.Apply(contact),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = ContactValidator.Validate,
        CheckReferences = ContactReferences.CheckAsync,
        Conflicts = [new("contacts_email_unique", "email", "A contact with this email already exists in the workspace.")],
        // Emails keep the case they were given, so repeats are looked for regardless of it.
        BatchUnique = new("email", i => i.Email, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(ContactBatchRequest),
        BatchResponseType = typeof(ContactBatchResponse),
        ToBatchResponse = responses => new ContactBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapContactEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
