using System.Globalization;

namespace Crm.Domain.Leads;

/// <summary>
/// Whether a lead meets a scoring rule (seed 003's lead_scoring_rules): the rule's field read from the lead and compared
/// with its value. Text compares case-insensitively; a field the lead has not filled meets only is_not_set and the
/// negative operators (not_equals, not_contains, not_in): a lead without an industry is "not in retail".
/// </summary>
public static class ScoringRuleMatcher
{
    public static bool Matches(LeadScoringRule rule, Lead lead)
    {
        if (!ScoringFields.All.TryGetValue(rule.Field, out var field))
        {
            return false; // A rule of a field no longer offered scores nothing (the API refuses new ones).
        }
        var actual = field.Read(lead);
        if (rule.Operator is ScoringOperator.IsSet or ScoringOperator.IsNotSet)
        {
            var set = actual is not null && (actual is not string text || !string.IsNullOrWhiteSpace(text));
            return set == (rule.Operator == ScoringOperator.IsSet);
        }
        var negative = rule.Operator is ScoringOperator.NotEquals or ScoringOperator.NotContains or ScoringOperator.NotIn;
        if (actual is null || rule.Value is null)
        {
            return negative;
        }
        var values = rule.Operator is ScoringOperator.In or ScoringOperator.NotIn
            ? rule.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [rule.Value];
        var met = rule.Operator switch
        {
            ScoringOperator.Equals or ScoringOperator.In or ScoringOperator.NotEquals or ScoringOperator.NotIn => values.Any(v => SameValue(actual, v)),
            ScoringOperator.Contains or ScoringOperator.NotContains => Text(actual).Contains(rule.Value, StringComparison.OrdinalIgnoreCase),
            ScoringOperator.GreaterThan => Compare(actual, rule.Value) > 0,
            ScoringOperator.LessThan => Compare(actual, rule.Value) < 0,
            _ => false,
        };
        return negative ? !met : met;
    }

    private static bool SameValue(object actual, string expected) => actual switch
    {
        decimal number => decimal.TryParse(expected, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && number == value,
        bool flag => bool.TryParse(expected, out var value) && flag == value,
        _ => string.Equals(Text(actual).Trim(), expected.Trim(), StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>Numbers compare as numbers; a value that is not one never compares (0 is "equal", which neither operator takes).</summary>
    private static int Compare(object actual, string expected) =>
        actual is decimal number && decimal.TryParse(expected, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? number.CompareTo(value)
            : 0;

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
