using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Notes;

namespace Crm.Api.Features.Notes;

/// <summary>What <c>GET /api/v1/notes</c> sorts, filters and searches (q) by.</summary>
internal static class NoteListing
{
    public static readonly ListingSchema<Note> Schema = new ListingSchema<Note>("notes", n => n.Id)
        .Field("content", n => n.Content, filterable: true, searchable: true)
        .Field("isPinned", n => n.IsPinned, sortable: true, filterable: true)
        .Field("ownerId", n => n.OwnerId, filterable: true)
        .Field("createdBy", n => n.CreatedBy, filterable: true)
        .Field("contactId", n => n.ContactId, filterable: true)
        .Field("companyId", n => n.CompanyId, filterable: true)
        .Field("dealId", n => n.DealId, filterable: true)
        .Field("leadId", n => n.LeadId, filterable: true)
        .Field("createdAt", n => n.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", n => n.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt,-id");
}
