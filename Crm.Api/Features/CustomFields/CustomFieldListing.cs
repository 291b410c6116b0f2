using Crm.Api.Infrastructure.Listing;
using Crm.Domain.CustomFields;

namespace Crm.Api.Features.CustomFields;

/// <summary>What <c>GET /api/v1/custom-fields</c> sorts, filters and searches (q) by.</summary>
internal static class CustomFieldListing
{
    public static readonly ListingSchema<CustomFieldDefinition> Schema = new ListingSchema<CustomFieldDefinition>("custom-fields", d => d.Id)
        .Field("objectType", d => d.ObjectType, filterable: true)
        .Field("key", d => d.Key, sortable: true, filterable: true, searchable: true)
        .Field("label", d => d.Label, sortable: true, filterable: true, searchable: true)
        .Field("fieldType", d => d.FieldType, filterable: true)
        .Field("required", d => d.IsRequired, filterable: true)
        .Field("isActive", d => d.IsActive, filterable: true)
        .Field("position", d => d.Position, sortable: true, filterable: true)
        .Field("createdAt", d => d.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", d => d.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("position,key");
}
