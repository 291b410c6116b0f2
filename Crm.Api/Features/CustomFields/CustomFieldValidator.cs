using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Listing;
using Crm.Domain.CustomFields;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.CustomFields;

/// <summary>
/// Checks a <see cref="CustomFieldInput"/> and normalizes it: options only for select and multiselect (labels default
/// to values), rules only where the field type takes them, min and max read as the type reads values
/// (<see cref="CustomFieldValues"/>), so every value check a definition implies can run.
/// </summary>
internal static partial class CustomFieldValidator
{
    public const int MaxOptions = 500;
    public const int MaxPatternLength = 500;

    public static CustomFieldInput Validate(CustomFieldInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Key = Clean(input.Key),
            Label = Clean(input.Label),
            HelpText = Clean(input.HelpText),
            Placeholder = Clean(input.Placeholder),
        };

        if (normalized.ObjectType is not { } objectType)
        {
            Fail("objectType", "Give the object type the field belongs to.");
        }
        else if (!ObjectTypes.All.ContainsKey(objectType))
        {
            Fail("objectType", ObjectTypes.NotServed(objectType));
        }
        if (normalized.Key is null)
        {
            Fail("key", "Give the field a key.");
        }
        else if (!KeyFormat().IsMatch(normalized.Key))
        {
            Fail("key", "The key must be snake_case: a lower-case letter, then lower-case letters, digits or underscores (at most 63).");
        }
        if (normalized.Label is null)
        {
            Fail("label", "Give the field a label.");
        }
        if (normalized.Position < 0)
        {
            Fail("position", "Position must be 0 or more.");
        }
        CheckLengths([("label", normalized.Label, 255), ("helpText", normalized.HelpText, 10_000), ("placeholder", normalized.Placeholder, 255)], Fail);

        if (normalized.FieldType is not { } type)
        {
            Fail("fieldType", "Give the field type.");
            return normalized;
        }
        return normalized with
        {
            Options = Options(type, normalized.Options, Fail),
            ValidationRules = Rules(type, normalized.ValidationRules, Fail),
        };
    }

    private static List<CustomFieldOption>? Options(CustomFieldType type, IReadOnlyList<CustomFieldOption>? options, Action<string, string> fail)
    {
        if (!CustomFieldValues.HasOptions(type))
        {
            if (options is { Count: > 0 })
            {
                fail("options", "Only select and multiselect fields have options.");
            }
            return null;
        }
        if (options is null || options.Count == 0)
        {
            fail("options", "A select or multiselect field needs at least one option.");
            return null;
        }
        if (options.Count > MaxOptions)
        {
            fail("options", $"At most {MaxOptions} options.");
            return null;
        }
        var normalized = new List<CustomFieldOption>();
        for (var i = 0; i < options.Count; i++)
        {
            var value = Clean(options[i].Value);
            var label = Clean(options[i].Label) ?? value;
            if (value is null)
            {
                fail($"options[{i}].value", "Give the option a value.");
            }
            else if (value.Length > CustomFieldValues.MaxLengthOf(type))
            {
                fail($"options[{i}].value", $"At most {CustomFieldValues.MaxLengthOf(type)} characters.");
            }
            else if (normalized.Any(o => string.Equals(o.Value, value, StringComparison.OrdinalIgnoreCase)))
            {
                fail($"options[{i}].value", $"'{value}' is given twice (values are compared regardless of case).");
            }
            else if (label!.Length > 255)
            {
                fail($"options[{i}].label", "At most 255 characters.");
            }
            else
            {
                normalized.Add(new CustomFieldOption { Value = value, Label = label });
            }
        }
        return normalized;
    }

    private static CustomFieldRules Rules(CustomFieldType type, CustomFieldRules rules, Action<string, string> fail)
    {
        var typeName = EnumNames.Of(type);
        var (min, minOrdinal) = Bound(type, typeName, "min", rules.Min, fail);
        var (max, maxOrdinal) = Bound(type, typeName, "max", rules.Max, fail);
        if (minOrdinal is not null && maxOrdinal is not null && minOrdinal.CompareTo(maxOrdinal) > 0)
        {
            fail("validationRules.max", "max must not be less than min.");
        }

        var pattern = rules.Pattern;
        if (!CustomFieldValues.IsText(type))
        {
            foreach (var (name, given) in new[] { ("minLength", rules.MinLength is not null), ("maxLength", rules.MaxLength is not null), ("pattern", pattern is not null) })
            {
                if (given)
                {
                    fail($"validationRules.{name}", $"{name} applies to text, textarea, url, email and phone fields, not {typeName}.");
                }
            }
            return new CustomFieldRules { Min = min, Max = max };
        }
        var longest = CustomFieldValues.MaxLengthOf(type);
        if (rules.MinLength is < 0 || rules.MinLength > longest)
        {
            fail("validationRules.minLength", $"minLength must be from 0 to {longest}.");
        }
        if (rules.MaxLength is < 1 || rules.MaxLength > longest)
        {
            fail("validationRules.maxLength", $"maxLength must be from 1 to {longest} for a {typeName} field.");
        }
        else if (rules.MinLength > rules.MaxLength)
        {
            fail("validationRules.maxLength", "maxLength must not be less than minLength.");
        }
        if (pattern is not null)
        {
            if (pattern.Length is 0 or > MaxPatternLength)
            {
                fail("validationRules.pattern", $"The pattern must have 1 to {MaxPatternLength} characters.");
            }
            else if (!CustomFieldValues.TryCompile(pattern, out _, out var error))
            {
                fail("validationRules.pattern", error);
            }
        }
        return new CustomFieldRules { Min = min, Max = max, MinLength = rules.MinLength, MaxLength = rules.MaxLength, Pattern = pattern };
    }

    /// <summary>A min or max rule as stored (the type's normalized value) and as compared; refused where the type has no order.</summary>
    private static (JsonNode? Stored, IComparable? Ordinal) Bound(
        CustomFieldType type, string typeName, string name, JsonNode? bound, Action<string, string> fail)
    {
        if (bound is null)
        {
            return (null, null);
        }
        if (!CustomFieldValues.IsOrdered(type))
        {
            fail($"validationRules.{name}", $"{name} applies to number, currency, percent, date and datetime fields, not {typeName}.");
            return (null, null);
        }
        if (!CustomFieldValues.TryRead(type, bound, out var stored, out var ordinal, out var error))
        {
            fail($"validationRules.{name}", error);
            return (null, null);
        }
        return (stored, ordinal);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex KeyFormat();
}
