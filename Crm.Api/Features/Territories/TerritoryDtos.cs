using System.Text.Json.Serialization;
using Crm.Domain.Territories;

namespace Crm.Api.Features.Territories;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record TerritoryInput
{
    /// <summary>Required; unique, case-insensitively, among the workspace's live territories.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    public TerritoryType TerritoryType { get; init; } = TerritoryType.Geographic;

    /// <summary>A live territory of the workspace that is not this one or below it.</summary>
    public Guid? ParentTerritoryId { get; init; }

    /// <summary>An active member of the workspace.</summary>
    public Guid? ManagerId { get; init; }

    public TerritoryRules Rules { get; init; } = new();

    public bool IsActive { get; init; } = true;
}

/// <summary>
/// Which companies a territory covers (seed 003's geographic_boundaries and account_criteria): any of the countries,
/// states, industries and size bands listed, within the revenue range. Lists are compared regardless of case.
/// </summary>
public sealed record TerritoryRules
{
    public IReadOnlyList<string>? Countries { get; init; }

    public IReadOnlyList<string>? States { get; init; }

    public IReadOnlyList<string>? Industries { get; init; }

    /// <summary>Company size bands: 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5000+.</summary>
    public IReadOnlyList<string>? Sizes { get; init; }

    public decimal? MinAnnualRevenue { get; init; }

    public decimal? MaxAnnualRevenue { get; init; }
}

/// <summary>A territory as the API returns it.</summary>
public sealed record TerritoryResponse : TerritoryInput
{
    [JsonConstructor]
    public TerritoryResponse()
    {
    }

    public TerritoryResponse(TerritoryInput fields)
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

/// <summary>The body of <c>POST /api/v1/territories/batch</c>.</summary>
public sealed record TerritoryBatchRequest(IReadOnlyList<TerritoryInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record TerritoryBatchResponse(IReadOnlyList<TerritoryResponse> Data);
