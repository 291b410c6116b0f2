using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Contacts;

namespace Crm.Api.Features.Contacts;

/// <summary>What <c>GET /api/v1/contacts</c> sorts, filters and searches (q) by.</summary>
internal static class ContactListing
{
    public static readonly ListingSchema<Contact> Schema = new ListingSchema<Contact>("contacts", c => c.Id)
        .Field("firstName", c => c.FirstName, sortable: true, filterable: true, searchable: true)
        .Field("lastName", c => c.LastName, sortable: true, filterable: true, searchable: true)
        .Field("email", c => c.Email, sortable: true, filterable: true, searchable: true)
        .Field("lifecycleStage", c => c.LifecycleStage, filterable: true)
        .Field("status", c => c.Status, filterable: true)
        .Field("source", c => c.Source, filterable: true)
        .Field("city", c => c.City, filterable: true)
        .Field("country", c => c.Country, filterable: true)
        .Field("ownerId", c => c.OwnerId, filterable: true)
        .Field("companyId", c => c.CompanyId, filterable: true)
        .Field("leadScore", c => c.LeadScore, sortable: true, filterable: true)
        .Field("lastActivityAt", c => c.LastActivityAt, sortable: true, filterable: true)
        .Field("createdAt", c => c.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", c => c.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");
}
