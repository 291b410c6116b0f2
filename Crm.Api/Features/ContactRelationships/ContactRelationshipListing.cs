using Crm.Api.Features.Contacts;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Contacts;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.ContactRelationships;

/// <summary>
/// A contact's relationships in both directions, each joined to the other contact among the live contacts the caller
/// sees: a relationship with a deleted contact, or one outside the caller's record scope, does not show.
/// </summary>
internal static class ContactRelationshipListing
{
    public static readonly ListingSchema<RelationshipRow> Schema = new ListingSchema<RelationshipRow>("contact_relationships", r => r.Id)
        .Field("relatedContactId", r => r.RelatedContactId, filterable: true)
        .Field("firstName", r => r.FirstName, filterable: true, searchable: true)
        .Field("lastName", r => r.LastName, filterable: true, searchable: true)
        .Field("email", r => r.Email, filterable: true, searchable: true)
        .Field("createdAt", r => r.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("createdAt");

    public static IQueryable<RelationshipRow> Of(ResourceServices services, Guid contactId) =>
        services.Db.ContactRelationships.AsNoTracking()
            .Where(r => r.ContactId == contactId || r.RelatedContactId == contactId)
            .Join(services.Visible(services.Db.Contacts), r => r.ContactId == contactId ? r.RelatedContactId : r.ContactId, c => c.Id,
                (r, c) => new RelationshipRow
                {
                    Id = r.Id,
                    ContactId = contactId,
                    RelatedContactId = c.Id,
                    StoredType = r.RelationshipType,
                    Inverse = r.RelatedContactId == contactId,
                    Description = r.Description,
                    FirstName = c.FirstName,
                    LastName = c.LastName,
                    Email = c.Email,
                    Title = c.Title,
                    CreatedBy = r.CreatedBy,
                    CreatedAt = r.CreatedAt,
                });

    public static ContactRelationshipResponse ToResponse(RelationshipRow r) => new(
        r.Id, r.ContactId, r.RelatedContactId, r.Inverse ? r.StoredType.Inverse() : r.StoredType, r.Inverse, r.Description,
        new ContactSummary(r.RelatedContactId, r.FirstName, r.LastName, r.Email, r.Title), r.CreatedBy, r.CreatedAt);
}

/// <summary>A relationship of the contact listed, with the other contact's summary.</summary>
internal sealed class RelationshipRow
{
    public Guid Id { get; init; }

    public Guid ContactId { get; init; }

    public Guid RelatedContactId { get; init; }

    /// <summary>As stored: from the other contact when <see cref="Inverse"/>.</summary>
    public RelationshipType StoredType { get; init; }

    public bool Inverse { get; init; }

    public string? Description { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? Title { get; init; }

    public Guid? CreatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
