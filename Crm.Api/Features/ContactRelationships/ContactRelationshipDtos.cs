using Crm.Api.Features.Contacts;
using Crm.Domain.Contacts;

namespace Crm.Api.Features.ContactRelationships;

/// <summary>The body of POST /api/v1/contacts/{id}/relationships: "this contact {type} relatedContactId". Unknown members are refused.</summary>
public sealed record ContactRelationshipInput
{
    /// <summary>Another live contact the caller sees; required.</summary>
    public Guid? RelatedContactId { get; init; }

    /// <summary>Required: reports_to, manages, colleague, partner, vendor or customer.</summary>
    public RelationshipType? Type { get; init; }

    /// <summary>Up to 2000 characters.</summary>
    public string? Description { get; init; }
}

/// <summary>
/// A relationship as seen from <c>contactId</c>, the contact of the URL: "contactId {type} relatedContactId". When it was
/// stored from the other contact, <c>inverse</c> is true and <c>type</c> is the stored type's inverse (reports_to and
/// manages swap; the other types read the same both ways).
/// </summary>
public sealed record ContactRelationshipResponse(
    Guid Id, Guid ContactId, Guid RelatedContactId, RelationshipType Type, bool Inverse, string? Description,
    ContactSummary RelatedContact, Guid? CreatedBy, DateTimeOffset CreatedAt);
