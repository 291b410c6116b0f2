using Crm.Domain.Products;

namespace Crm.Api.Features.Products;

/// <summary>Between <see cref="Product"/> and its DTOs.</summary>
internal static class ProductMapping
{
    public static ProductInput ToInput(this Product p) => new()
    {
        Name = p.Name, Sku = p.Sku, Description = p.Description, UnitPrice = p.UnitPrice, Currency = p.Currency,
        Category = p.Category, IsActive = p.IsActive,
    };

    public static ProductResponse ToResponse(this Product p) => new(p.ToInput())
    {
        Id = p.Id,
        CreatedBy = p.CreatedBy,
        UpdatedBy = p.UpdatedBy,
        CreatedAt = p.CreatedAt,
        UpdatedAt = p.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="ProductValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this ProductInput i, Product p)
    {
        p.Name = i.Name;
        p.Sku = i.Sku;
        p.Description = i.Description;
        p.UnitPrice = i.UnitPrice;
        p.Currency = i.Currency;
        p.Category = i.Category;
        p.IsActive = i.IsActive;
    }
}
