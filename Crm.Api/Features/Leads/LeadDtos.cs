using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Leads;

namespace Crm.Api.Features.Leads;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Unknown members are refused.
/// </summary>
public record LeadInput : ICustomFieldsInput
{
    /// <summary>firstName, lastName or companyName is required.</summary>
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>Not unique: the same person may arrive as several leads.</summary>
    public string? Email { get; init; }

    public string? Phone { get; init; }

    /// <summary>Job title.</summary>
    public string? Title { get; init; }

    public string? CompanyName { get; init; }

    public string? Website { get; init; }

    public string? Industry { get; init; }

    public int? EmployeeCount { get; init; }

    public decimal? AnnualRevenue { get; init; }

    /// <summary>ISO 4217 code of annualRevenue and budget.</summary>
    public string Currency { get; init; } = "USD";

    public string? AddressLine1 { get; init; }

    public string? AddressLine2 { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public string? Country { get; init; }

    public LeadSource Source { get; init; } = LeadSource.Manual;

    public string? SourceDetail { get; init; }

    public string? Campaign { get; init; }

    public string? UtmSource { get; init; }

    public string? UtmMedium { get; init; }

    public string? UtmCampaign { get; init; }

    public string? UtmTerm { get; init; }

    public string? UtmContent { get; init; }

    public string? ReferrerUrl { get; init; }

    public string? LandingPageUrl { get; init; }

    public DateTimeOffset? FirstTouchAt { get; init; }

    public DateTimeOffset? LastTouchAt { get; init; }

    /// <summary>Any status but converted, which only <c>POST /leads/{id}/convert</c> sets.</summary>
    public LeadStatus Status { get; init; } = LeadStatus.New;

    public QualificationStatus QualificationStatus { get; init; } = QualificationStatus.Unqualified;

    public InterestLevel InterestLevel { get; init; } = InterestLevel.Unknown;

    /// <summary>In currency; 0 or more.</summary>
    public decimal? Budget { get; init; }

    public string? Timeline { get; init; }

    public bool DecisionMaker { get; init; }

    public string? PainPoints { get; init; }

    /// <summary>0-100; a change is kept in the lead's score history (reason manual).</summary>
    public int Score { get; init; }

    /// <summary>A letter from A to F.</summary>
    public string? Grade { get; init; }

    public JsonObject CustomFields { get; init; } = [];

    /// <summary>Defaults to the caller on create.</summary>
    public Guid? OwnerId { get; init; }
}

/// <summary>A lead as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record LeadResponse : LeadInput
{
    [JsonConstructor]
    public LeadResponse()
    {
    }

    public LeadResponse(LeadInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public DateTimeOffset? ScoreUpdatedAt { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    public DateTimeOffset? NextActivityAt { get; init; }

    public DateTimeOffset? ConvertedAt { get; init; }

    public Guid? ConvertedBy { get; init; }

    public Guid? ConvertedContactId { get; init; }

    public Guid? ConvertedCompanyId { get; init; }

    public Guid? ConvertedDealId { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its live tags, by name (PUT /api/v1/leads/{id}/tags/{tagId} adds one); read-only.</summary>
    public IReadOnlyList<RecordTag> Tags { get; init; } = [];
}

/// <summary>The body of <c>POST /api/v1/leads/batch</c>.</summary>
public sealed record LeadBatchRequest(IReadOnlyList<LeadInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record LeadBatchResponse(IReadOnlyList<LeadResponse> Data);

/// <summary>One change of a lead's score (<c>GET /api/v1/leads/{id}/score-history</c>).</summary>
public sealed record LeadScoreChangeResponse(
    Guid Id, Guid LeadId, int OldScore, int NewScore, int Change, ScoreChangeReason Reason, JsonNode Factors, string? Model,
    Guid? ChangedBy, DateTimeOffset ChangedAt);
