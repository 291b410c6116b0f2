using System.Collections.Frozen;
using System.Text.Json;
namespace Crm.Domain.Leads;

/// <summary>The kinds of lead field a scoring rule can test, which decide its operators and values.</summary>
public enum ScoringFieldKind
{
    Text,
    Number,
    Boolean,

    /// <summary>One of a fixed set of values (<see cref="ScoringField.Choices"/>).</summary>
    Choice,
}

/// <summary>
/// A lead field a scoring rule may test; <paramref name="Nullable"/> fields also take is_set and is_not_set.
/// <paramref name="Read"/> gives a lead's value: a string, a decimal, a bool or the choice's text, or null.
/// </summary>
public sealed record ScoringField(string Name, ScoringFieldKind Kind, bool Nullable, Func<Lead, object?> Read, IReadOnlyList<string>? Choices = null)
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
        new("title", ScoringFieldKind.Text, Nullable: true, l => l.Title),
        new("companyName", ScoringFieldKind.Text, Nullable: true, l => l.CompanyName),
        new("email", ScoringFieldKind.Text, Nullable: true, l => l.Email),
        new("website", ScoringFieldKind.Text, Nullable: true, l => l.Website),
        new("industry", ScoringFieldKind.Text, Nullable: true, l => l.Industry),
        new("city", ScoringFieldKind.Text, Nullable: true, l => l.City),
        new("state", ScoringFieldKind.Text, Nullable: true, l => l.State),
        new("country", ScoringFieldKind.Text, Nullable: true, l => l.Country),
        new("sourceDetail", ScoringFieldKind.Text, Nullable: true, l => l.SourceDetail),
        new("campaign", ScoringFieldKind.Text, Nullable: true, l => l.Campaign),
        new("utmSource", ScoringFieldKind.Text, Nullable: true, l => l.UtmSource),
        new("utmMedium", ScoringFieldKind.Text, Nullable: true, l => l.UtmMedium),
        new("utmCampaign", ScoringFieldKind.Text, Nullable: true, l => l.UtmCampaign),
        new("utmTerm", ScoringFieldKind.Text, Nullable: true, l => l.UtmTerm),
        new("utmContent", ScoringFieldKind.Text, Nullable: true, l => l.UtmContent),
        new("timeline", ScoringFieldKind.Text, Nullable: true, l => l.Timeline),
        new("painPoints", ScoringFieldKind.Text, Nullable: true, l => l.PainPoints),
        new("employeeCount", ScoringFieldKind.Number, Nullable: true, l => (decimal?)l.EmployeeCount),
        new("annualRevenue", ScoringFieldKind.Number, Nullable: true, l => l.AnnualRevenue),
        new("budget", ScoringFieldKind.Number, Nullable: true, l => l.Budget),
        new("decisionMaker", ScoringFieldKind.Boolean, Nullable: false, l => l.DecisionMaker),
        new("source", ScoringFieldKind.Choice, Nullable: false, l => ChoiceOf(l.Source), ChoicesOf<LeadSource>()),
        new("status", ScoringFieldKind.Choice, Nullable: false, l => ChoiceOf(l.Status), ChoicesOf<LeadStatus>()),
        new("qualificationStatus", ScoringFieldKind.Choice, Nullable: false, l => ChoiceOf(l.QualificationStatus), ChoicesOf<QualificationStatus>()),
        new("interestLevel", ScoringFieldKind.Choice, Nullable: false, l => ChoiceOf(l.InterestLevel), ChoicesOf<InterestLevel>()),
        new("grade", ScoringFieldKind.Choice, Nullable: true, l => l.Grade, ["A", "B", "C", "D", "E", "F"]),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    private static string ChoiceOf<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    /// <summary>An enum's values as the API writes them (lower_snake).</summary>
    private static string[] ChoicesOf<TEnum>()
        where TEnum : struct, Enum =>
        [.. Enum.GetValues<TEnum>().Select(ChoiceOf)];
}
