using System.Globalization;
using System.Text.Json;
using Crm.Domain.Leads;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.LeadScoringRules;

/// <summary>
/// Checks a <see cref="LeadScoringRuleInput"/> against the rules table's CHECKs (migration 0007) and against the lead
/// field it tests: a field rules may test (<see cref="ScoringFields"/>), an operator that applies to it, and values of
/// its kind, so every stored rule can be evaluated. Normalizes (trimmed, blanks to null, list values as "a,b"). Errors
/// are keyed by the camelCase field, after <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static class LeadScoringRuleValidator
{
    public static LeadScoringRuleInput Validate(LeadScoringRuleInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            Description = Clean(input.Description),
            Field = Clean(input.Field),
            Value = Clean(input.Value),
        };

        if (normalized.Name is null)
        {
            Fail("name", "Name is required.");
        }
        if (normalized.RuleType is null)
        {
            Fail("ruleType", $"Rule type is required: one of {Names<ScoringRuleType>()}.");
        }
        if (normalized.Points is < -100 or > 100 or 0)
        {
            Fail("points", "Points must be from -100 to 100, and not 0.");
        }
        CheckLengths([("name", normalized.Name, 100)], Fail);

        if (normalized.Field is null)
        {
            Fail("field", "Field is required.");
        }
        else if (!ScoringFields.All.TryGetValue(normalized.Field, out var field))
        {
            Fail("field", $"'{normalized.Field}' is not a lead field rules can test; use one of: {string.Join(", ", ScoringFields.All.Keys)}.");
        }
        else if (normalized.Operator is not { } op)
        {
            Fail("operator", $"Operator is required: for {field.Name}, one of {string.Join(", ", field.Operators.Select(Name))}.");
        }
        else if (!field.Operators.Contains(op))
        {
            Fail("operator", $"{Name(op)} does not apply to {field.Name}; use one of: {string.Join(", ", field.Operators.Select(Name))}.");
        }
        else
        {
            return normalized with { Value = CheckValue(field, op, normalized.Value, message => Fail("value", message)) };
        }
        return normalized;
    }

    /// <summary>The value normalized for the field and operator, after failing it when it does not fit them.</summary>
    private static string? CheckValue(ScoringField field, ScoringOperator op, string? value, Action<string> fail)
    {
        if (op is ScoringOperator.IsSet or ScoringOperator.IsNotSet)
        {
            if (value is not null)
            {
                fail($"{Name(op)} compares nothing: leave value out.");
            }
            return null;
        }
        if (value is null)
        {
            fail($"Value is required for {Name(op)}.");
            return null;
        }
        var items = op is ScoringOperator.In or ScoringOperator.NotIn
            ? value.Split(',', StringSplitOptions.TrimEntries)
            : [value];
        if (items.Any(i => i.Length == 0))
        {
            fail("A list must not have empty items (write a,b,c).");
            return value;
        }
        if (field.Kind == ScoringFieldKind.Choice && field.Name == "grade")
        {
            items = [.. items.Select(i => i.ToUpperInvariant())];
        }
        var wrong = field.Kind switch
        {
            ScoringFieldKind.Number => items.FirstOrDefault(i => !decimal.TryParse(i, NumberStyles.Number, CultureInfo.InvariantCulture, out _)),
            ScoringFieldKind.Boolean => items.FirstOrDefault(i => i is not ("true" or "false")),
            ScoringFieldKind.Choice => items.FirstOrDefault(i => !field.Choices!.Contains(i)),
            _ => null,
        };
        if (wrong is not null)
        {
            fail(field.Kind switch
            {
                ScoringFieldKind.Number => $"'{wrong}' is not a number (write 1000 or 1000.50).",
                ScoringFieldKind.Boolean => $"'{wrong}' is not true or false.",
                _ => $"'{wrong}' is not a {field.Name}; use one of: {string.Join(", ", field.Choices!)}.",
            });
        }
        return string.Join(',', items);
    }

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    private static string Names<TEnum>()
        where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(Name));
}
