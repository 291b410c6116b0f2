using System.Text.Json.Nodes;

namespace Crm.Web.Features.Segments;

/// <summary>A customer segment the AI worker computed (<c>GET /api/v1/segments</c>): RFM or behavioural.</summary>
public sealed record Segment(
    Guid Id,
    string Type,
    string Key,
    string Name,
    string? Description,
    JsonObject? Criteria,
    string? CriteriaDescription,
    long CustomerCount,
    decimal? TotalDealValue,
    decimal? AvgDealValue,
    decimal? ConversionRate,
    decimal? RiskScore,
    decimal? OpportunityScore,
    DateTimeOffset? RefreshedAt)
{
    public string TypeLabel => Type == "rfm" ? "RFM" : "Behavioural";
}

/// <summary>A company or contact in a segment, with its churn risk and opportunity (0-1) and the features behind them.</summary>
public sealed record SegmentMember(
    string EntityType,
    Guid EntityId,
    string? DisplayName,
    decimal? ChurnRisk,
    decimal? OpportunityScore,
    JsonObject? Features,
    DateTimeOffset? AssignedAt)
{
    public string Link => $"/{(EntityType == "company" ? "companies" : "contacts")}/{EntityId}";
}

public static class SegmentFormat
{
    /// <summary>A 0-1 score as a percentage.</summary>
    public static string Percent(decimal? score) => score is { } value ? $"{value * 100:0}%" : "—";

    /// <summary>High risk is bad, high opportunity good: the badge colour says which way a score leans.</summary>
    public static string RiskBadge(decimal? risk) => risk switch { >= .6m => "badge-danger", >= .3m => "badge-warning", _ => "badge-success" };

    public static string OpportunityBadge(decimal? opportunity) => opportunity switch { >= .6m => "badge-success", >= .3m => "badge-accent", _ => "" };
}
