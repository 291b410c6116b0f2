using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Products;

namespace Crm.Api.Features.Products;

/// <summary>What <c>GET /api/v1/products</c> sorts, filters and searches (q) by.</summary>
internal static class ProductListing
{
    public static readonly ListingSchema<Product> Schema = new ListingSchema<Product>("products", p => p.Id)
        .Field("name", p => p.Name, sortable: true, filterable: true, searchable: true)
        .Field("sku", p => p.Sku, sortable: true, filterable: true, searchable: true)
        .Field("category", p => p.Category, filterable: true)
        .Field("currency", p => p.Currency, filterable: true)
        .Field("unitPrice", p => p.UnitPrice, sortable: true, filterable: true)
        .Field("isActive", p => p.IsActive, filterable: true)
        .Field("createdAt", p => p.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", p => p.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
