using System.Text.RegularExpressions;
using Crm.Api.Features.Deals;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Pipelines;

/// <summary>
/// Checks pipeline and stage inputs against the rules of their tables and normalizes them (trimmed, blanks to null,
/// currency upper-case), so the database never refuses what passed here.
/// </summary>
internal static partial class PipelineValidator
{
    public static PipelineInput Validate(PipelineInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = input.Name.Trim(),
            Description = Clean(input.Description),
            Currency = input.Currency.Trim().ToUpperInvariant(),
        };
        if (normalized.Name.Length == 0)
        {
            Fail("name", "Name is required.");
        }
        if (normalized.RottingDays is <= 0)
        {
            Fail("rottingDays", "Rotting days must be at least 1 (or null: deals never rot).");
        }
        if (!CurrencyFormat().IsMatch(normalized.Currency))
        {
            Fail("currency", CurrencyRule);
        }
        CheckLengths([("name", normalized.Name, 255)], Fail);
        return normalized;
    }

    public static StageInput Validate(StageInput input, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[field] = [message];

        var normalized = input with
        {
            Name = input.Name.Trim(),
            Description = Clean(input.Description),
            RequiredFields = [.. input.RequiredFields.Select(f => f.Trim()).Distinct(StringComparer.Ordinal)],
            Color = input.Color.Trim(),
        };
        if (normalized.Name.Length == 0)
        {
            Fail("name", "Name is required.");
        }
        if (normalized.Position is < 1)
        {
            Fail("position", "Position must be at least 1.");
        }
        if (normalized.DefaultProbability is < 0 or > 100)
        {
            Fail("defaultProbability", "Default probability must be from 0 to 100.");
        }
        if (normalized.RottingDays is <= 0)
        {
            Fail("rottingDays", "Rotting days must be at least 1 (or null: the pipeline's).");
        }
        if (normalized.WipLimit is <= 0)
        {
            Fail("wipLimit", "The WIP limit must be at least 1 (or null: no limit).");
        }
        if (normalized.RequiredFields.FirstOrDefault(f => !DealRequiredFields.IsKnown(f)) is { } unknown)
        {
            Fail("requiredFields", $"'{unknown}' is not a deal field a stage can require; use: {string.Join(", ", DealRequiredFields.Names)}.");
        }
        if (!ColorFormat().IsMatch(normalized.Color))
        {
            Fail("color", "Color must be #RRGGBB, such as #1E90FF.");
        }
        CheckLengths([("name", normalized.Name, 100)], Fail);
        return normalized;
    }

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex ColorFormat();
}
