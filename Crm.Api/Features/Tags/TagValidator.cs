using System.Text.RegularExpressions;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Tags;

/// <summary>Checks a <see cref="TagInput"/> against the tags table's rules and normalizes it (trimmed, color upper-case).</summary>
internal static partial class TagValidator
{
    public static TagInput Validate(TagInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            Color = input.Color.Trim().ToUpperInvariant(),
            Description = Clean(input.Description),
        };
        if (normalized.Name is null)
        {
            Fail("name", "Give the tag a name.");
        }
        if (!ColorFormat().IsMatch(normalized.Color))
        {
            Fail("color", "Color must be #RRGGBB, such as #1E90FF.");
        }
        CheckLengths([("name", normalized.Name, 100), ("description", normalized.Description, 10_000)], Fail);
        return normalized;
    }

    [GeneratedRegex("^#[0-9A-F]{6}$")]
    private static partial Regex ColorFormat();
}
