using System.Collections.Frozen;
using System.Text.Json;
using Crm.Domain.Leads;

namespace Crm.Api.Features.LeadScoringRules;

/// <summary>The kinds of lead field a scoring rule can test, which decide its operators and values.</summary>
public enum ScoringFieldKind
{
    Text,
    Number,
    Boolean,

    /// <summary>One of a fixed set of values (<see cref="ScoringField.Choices"/>).</summary>
    Choice,
}

/// <summary>A lead field a scoring rule may test; <paramref name="Nullable"/> fields also take is_set and is_not_set.</summary>
public sealed record ScoringField(string Name, ScoringFieldKind Kind, bool Nullable, IReadOnlyList<string>? Choices = null)
{
    public IReadOnlyList<ScoringOperator> Operators { get; } = OperatorsOf(Kind, Nullable);

    private static List<ScoringOperator> OperatorsOf(ScoringFieldKind kind, bool nullable)
    {
        List<ScoringOperator> operators = kind switch
        {
            ScoringFieldKind.Text =>
                [ScoringOperator.Equals, ScoringOperator.NotEquals, ScoringOperator.Contains, ScoringOperator.NotContains, ScoringOperator.In, ScoringOperator.NotIn],
            ScoringFieldKind.Number =>
                [ScoringOperator.Equals, ScoringOperator.NotEquals, ScoringOperator.GreaterThan, ScoringOperator.LessThan, ScoringOperator.In, ScoringOperator.NotIn],
            ScoringFieldKind.Boolean => [ScoringOperator.Equals, ScoringOperator.NotEquals],
            _ => [ScoringOperator.Equals, ScoringOperator.NotEquals, ScoringOperator.In, ScoringOperator.NotIn],
        };
        if (nullable)
        {
            operators.AddRange([ScoringOperator.IsSet, ScoringOperator.IsNotSet]);
        }
        return operators;
    }
}

/// <summary>
/// The lead fields scoring rules may test, by their API names: what a lead's own data says about fit and intent. Not
/// names, contact details or ids, which say nothing about either.
/// </summary>
public static class ScoringFields
{
    public static readonly FrozenDictionary<string, ScoringField> All = new ScoringField[]
    {
        new("title", ScoringFieldKind.Text, Nullable: true),
        new("companyName", ScoringFieldKind.Text, Nullable: true),
        new("email", ScoringFieldKind.Text, Nullable: true),
        new("website", ScoringFieldKind.Text, Nullable: true),
        new("industry", ScoringFieldKind.Text, Nullable: true),
        new("city", ScoringFieldKind.Text, Nullable: true),
        new("state", ScoringFieldKind.Text, Nullable: true),
        new("country", ScoringFieldKind.Text, Nullable: true),
        new("sourceDetail", ScoringFieldKind.Text, Nullable: true),
        new("campaign", ScoringFieldKind.Text, Nullable: true),
        new("utmSource", ScoringFieldKind.Text, Nullable: true),
        new("utmMedium", ScoringFieldKind.Text, Nullable: true),
        new("utmCampaign", ScoringFieldKind.Text, Nullable: true),
        new("utmTerm", ScoringFieldKind.Text, Nullable: true),
        new("utmContent", ScoringFieldKind.Text, Nullable: true),
        new("timeline", ScoringFieldKind.Text, Nullable: true),
        new("painPoints", ScoringFieldKind.Text, Nullable: true),
        new("employeeCount", ScoringFieldKind.Number, Nullable: true),
        new("annualRevenue", ScoringFieldKind.Number, Nullable: true),
        new("budget", ScoringFieldKind.Number, Nullable: true),
        new("decisionMaker", ScoringFieldKind.Boolean, Nullable: false),
        new("source", ScoringFieldKind.Choice, Nullable: false, ChoicesOf<LeadSource>()),
        new("status", ScoringFieldKind.Choice, Nullable: false, ChoicesOf<LeadStatus>()),
        new("qualificationStatus", ScoringFieldKind.Choice, Nullable: false, ChoicesOf<QualificationStatus>()),
        new("interestLevel", ScoringFieldKind.Choice, Nullable: false, ChoicesOf<InterestLevel>()),
        new("grade", ScoringFieldKind.Choice, Nullable: true, ["A", "B", "C", "D", "E", "F"]),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>An enum's values as the API writes them (lower_snake).</summary>
    private static string[] ChoicesOf<TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(v => JsonSerializer.Serialize(v).Trim('"'))];
}
