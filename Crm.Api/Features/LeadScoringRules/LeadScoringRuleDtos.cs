using System.Text.Json.Serialization;
using Crm.Domain.Leads;

namespace Crm.Api.Features.LeadScoringRules;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Unknown members are refused.
/// </summary>
public record LeadScoringRuleInput
{
    /// <summary>Required; unique (case-insensitively) among the workspace's live rules.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Required.</summary>
    public ScoringRuleType? RuleType { get; init; }

    /// <summary>Required: a lead field as the API names it (<see cref="ScoringFields"/>).</summary>
    public string? Field { get; init; }

    /// <summary>Required; which operators apply depends on the field.</summary>
    public ScoringOperator? Operator { get; init; }

    /// <summary>Required except for is_set and is_not_set, which must not have one; a comma list for in and not_in.</summary>
    public string? Value { get; init; }

    /// <summary>-100..100, not 0: added to the score of a lead that meets the criterion.</summary>
    public int Points { get; init; }

    public bool IsActive { get; init; } = true;

    /// <summary>Rules apply in ascending order.</summary>
    public int SortOrder { get; init; }
}

/// <summary>A rule as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record LeadScoringRuleResponse : LeadScoringRuleInput
{
    [JsonConstructor]
    public LeadScoringRuleResponse()
    {
    }

    public LeadScoringRuleResponse(LeadScoringRuleInput fields)
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

/// <summary>The body of <c>POST /api/v1/lead-scoring-rules/batch</c>.</summary>
public sealed record LeadScoringRuleBatchRequest(IReadOnlyList<LeadScoringRuleInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record LeadScoringRuleBatchResponse(IReadOnlyList<LeadScoringRuleResponse> Data);
