using Crm.Domain.Companies;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Territories;

/// <summary>Checks a <see cref="TerritoryInput"/> and normalizes it (trimmed; rule lists without blanks or repeats).</summary>
internal static class TerritoryValidator
{
    public const int MaxRuleValues = 200;

    public static TerritoryInput Validate(TerritoryInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var rules = input.Rules;
        var normalized = input with
        {
            Name = Clean(input.Name),
            Description = Clean(input.Description),
            Rules = rules with
            {
                Countries = List("rules.countries", rules.Countries, Fail),
                States = List("rules.states", rules.States, Fail),
                Industries = List("rules.industries", rules.Industries, Fail),
                Sizes = List("rules.sizes", rules.Sizes, Fail),
            },
        };
        if (normalized.Name is null)
        {
            Fail("name", "Give the territory a name.");
        }
        if (normalized.Rules.Sizes?.FirstOrDefault(s => !CompanySizes.All.Contains(s)) is { } size)
        {
            Fail("rules.sizes", $"'{size}' is not a size band; use: {string.Join(", ", CompanySizes.All)}.");
        }
        if (rules.MinAnnualRevenue < 0)
        {
            Fail("rules.minAnnualRevenue", "Must be 0 or more.");
        }
        if (rules.MaxAnnualRevenue < 0 || rules.MaxAnnualRevenue < rules.MinAnnualRevenue)
        {
            Fail("rules.maxAnnualRevenue", "Must be 0 or more, and not less than minAnnualRevenue.");
        }
        CheckLengths([("name", normalized.Name, 100), ("description", normalized.Description, 10_000)], Fail);
        return normalized;
    }

    /// <summary>A rule list trimmed, without blanks or repeats (regardless of case); empty as null.</summary>
    private static List<string>? List(string field, IReadOnlyList<string>? values, Action<string, string> fail)
    {
        if (values is null)
        {
            return null;
        }
        if (values.Count > MaxRuleValues)
        {
            fail(field, $"At most {MaxRuleValues} values.");
        }
        var cleaned = values.Select(Clean).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (cleaned.Any(v => v.Length > 100))
        {
            fail(field, "Each value has at most 100 characters.");
        }
        return cleaned.Count == 0 ? null : cleaned;
    }
}
