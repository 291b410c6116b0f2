using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Companies;

namespace Crm.Api.Features.Companies;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Unknown members are refused.
/// </summary>
public record CompanyInput : ICustomFieldsInput
{
    public string? Name { get; init; }

    public string? Domain { get; init; }

    public string? Website { get; init; }

    public string? AccountNumber { get; init; }

    public CompanyType Type { get; init; } = CompanyType.Prospect;

    public CompanyStatus Status { get; init; } = CompanyStatus.Active;

    public CompanyPriority Priority { get; init; } = CompanyPriority.Medium;

    public string? Industry { get; init; }

    public string? SubIndustry { get; init; }

    /// <summary>One of 1-10, 11-50, 51-200, 201-500, 501-1000, 1001-5000, 5000+.</summary>
    public string? Size { get; init; }

    public int? EmployeeCount { get; init; }

    public decimal? AnnualRevenue { get; init; }

    /// <summary>ISO 4217 code of <see cref="AnnualRevenue"/>.</summary>
    public string Currency { get; init; } = "USD";

    public int? FoundedYear { get; init; }

    public string? StockSymbol { get; init; }

    public string? Description { get; init; }

    public string? LogoUrl { get; init; }

    public string? Phone { get; init; }

    public string? Email { get; init; }

    public string? AddressLine1 { get; init; }

    public string? AddressLine2 { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public string? Country { get; init; }

    public string? Timezone { get; init; }

    public string? LinkedinUrl { get; init; }

    public string? TwitterHandle { get; init; }

    public string? FacebookUrl { get; init; }

    public int? HealthScore { get; init; }

    /// <summary>Values of the workspace's custom fields of companies, checked against their definitions.</summary>
    public JsonObject CustomFields { get; init; } = [];

    public Guid? ParentCompanyId { get; init; }

    /// <summary>A live territory of the workspace.</summary>
    public Guid? TerritoryId { get; init; }

    /// <summary>Defaults to the caller on create.</summary>
    public Guid? OwnerId { get; init; }
}

/// <summary>A company as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record CompanyResponse : CompanyInput
{
    [JsonConstructor]
    public CompanyResponse()
    {
    }

    public CompanyResponse(CompanyInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    public DateTimeOffset? NextActivityAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its live tags, by name (PUT /api/v1/companies/{id}/tags/{tagId} adds one); read-only.</summary>
    public IReadOnlyList<RecordTag> Tags { get; init; } = [];
}

/// <summary>The body of <c>POST /api/v1/companies/batch</c>.</summary>
public sealed record CompanyBatchRequest(IReadOnlyList<CompanyInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record CompanyBatchResponse(IReadOnlyList<CompanyResponse> Data);
