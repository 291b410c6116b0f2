using System.Text.Json.Serialization;

namespace Crm.Api.Features.Products;

/// <summary>The fields a client writes (POST body, batch item, PATCH merge patch target). Unknown members are refused.</summary>
public record ProductInput
{
    public string Name { get; init; } = "";

    /// <summary>Unique among the workspace's live products.</summary>
    public string? Sku { get; init; }

    public string? Description { get; init; }

    /// <summary>The list price: at least 0, at most 2 decimals.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>ISO 4217 code of <see cref="UnitPrice"/>.</summary>
    public string Currency { get; init; } = "USD";

    public string? Category { get; init; }

    public bool IsActive { get; init; } = true;
}

/// <summary>A product as the API returns it.</summary>
public sealed record ProductResponse : ProductInput
{
    [JsonConstructor]
    public ProductResponse()
    {
    }

    public ProductResponse(ProductInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/products/batch</c>.</summary>
public sealed record ProductBatchRequest(IReadOnlyList<ProductInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record ProductBatchResponse(IReadOnlyList<ProductResponse> Data);
