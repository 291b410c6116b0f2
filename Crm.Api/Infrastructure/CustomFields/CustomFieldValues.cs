using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Domain.CustomFields;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Infrastructure.CustomFields;

/// <summary>
/// How each custom field type reads a value and stores it: numbers as JSON numbers, booleans as JSON booleans, dates
/// as "yyyy-MM-dd", date-times as ISO 8601 in UTC, text trimmed. The same parsing reads the min and max of a
/// definition's rules, so a rule and a value always compare alike.
/// </summary>
public static partial class CustomFieldValues
{
    /// <summary>The longest value (and maxLength rule) of each text type; also the longest option value.</summary>
    public static int MaxLengthOf(CustomFieldType type) => type switch
    {
        CustomFieldType.Textarea => 10_000,
        CustomFieldType.Url => 2_048,
        CustomFieldType.Phone => 50,
        CustomFieldType.Select or CustomFieldType.Multiselect => 100,
        _ => 255,
    };

    public static bool IsText(CustomFieldType type) =>
        type is CustomFieldType.Text or CustomFieldType.Textarea or CustomFieldType.Url or CustomFieldType.Email or CustomFieldType.Phone;

    /// <summary>The types min and max apply to.</summary>
    public static bool IsOrdered(CustomFieldType type) =>
        type is CustomFieldType.Number or CustomFieldType.Currency or CustomFieldType.Percent or CustomFieldType.Date or CustomFieldType.Datetime;

    public static bool HasOptions(CustomFieldType type) => type is CustomFieldType.Select or CustomFieldType.Multiselect;

    /// <summary>
    /// Reads <paramref name="value"/> as a value of <paramref name="type"/> (any type but select and multiselect, whose
    /// options decide): the JSON to store (null for blank text: no value), and for ordered types what min and max
    /// compare with. False with the reason otherwise.
    /// </summary>
    public static bool TryRead(CustomFieldType type, JsonNode value, out JsonNode? stored, out IComparable? ordinal, out string error)
    {
        stored = null;
        ordinal = null;
        error = string.Empty;
        var kind = value.GetValueKind();
        var text = kind == JsonValueKind.String ? value.GetValue<string>().Trim() : null;
        switch (type)
        {
            case CustomFieldType.Number or CustomFieldType.Currency or CustomFieldType.Percent:
                if (!TryNumber(value, kind, text, out var number))
                {
                    error = "Must be a number.";
                    return false;
                }
                if (type == CustomFieldType.Currency && decimal.Round(number, 2) != number)
                {
                    error = "Must be an amount with at most 2 decimal places.";
                    return false;
                }
                // 1.50 and 1.5 are one value: stored without trailing zeros.
                number /= 1.000000000000000000000000000000000m;
                (stored, ordinal) = (JsonValue.Create(number), number);
                return true;
            case CustomFieldType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False || text is "true" or "false")
                {
                    stored = JsonValue.Create(kind == JsonValueKind.True || text == "true");
                    return true;
                }
                error = "Must be true or false.";
                return false;
            case CustomFieldType.Date:
                if (text is not null && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    (stored, ordinal) = (JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), date);
                    return true;
                }
                error = "Must be a date such as 2025-01-31.";
                return false;
            case CustomFieldType.Datetime:
                if (text is { Length: >= 10 } && char.IsAsciiDigit(text[0]) && text[4] == '-' && text[7] == '-' &&
                    DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    var utc = at.ToUniversalTime();
                    stored = JsonValue.Create(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
                    ordinal = utc;
                    return true;
                }
                error = "Must be an ISO 8601 date-time such as 2025-01-31T09:30:00Z.";
                return false;
        }

        if (text is null)
        {
            error = "Must be a string.";
            return false;
        }
        if (text.Length == 0)
        {
            return true;
        }
        if (text.Length > MaxLengthOf(type))
        {
            error = $"At most {MaxLengthOf(type)} characters.";
            return false;
        }
        var valid = type switch
        {
            CustomFieldType.Url => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https",
            CustomFieldType.Email => EmailFormat().IsMatch(text),
            CustomFieldType.Phone => PhoneFormat().IsMatch(text) && text.Count(char.IsAsciiDigit) is >= 5 and <= 20,
            _ => true,
        };
        if (!valid)
        {
            error = type switch
            {
                CustomFieldType.Url => "Must be an absolute http or https URL.",
                CustomFieldType.Email => "Must be an email address such as jane@example.com.",
                _ => "Must be a phone number: 5 to 20 digits, with an optional leading + and spaces, dots, dashes or parentheses.",
            };
            return false;
        }
        stored = JsonValue.Create(text);
        return true;
    }

    /// <summary>
    /// A pattern rule as a regular expression. Non-backtracking, so no pattern can make a value take long to check
    /// (no catastrophic backtracking); it refuses backreferences and lookarounds.
    /// </summary>
    public static bool TryCompile(string pattern, out Regex? regex, out string error)
    {
        error = string.Empty;
        try
        {
            regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            regex = null;
            error = $"Not a supported regular expression ({e.Message}); backreferences and lookarounds are not supported.";
            return false;
        }
    }

    private static bool TryNumber(JsonNode value, JsonValueKind kind, string? text, out decimal number)
    {
        number = 0;
        return kind == JsonValueKind.Number ? value.AsValue().TryGetValue(out number)
            : text is not null && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number);
    }

    [GeneratedRegex(@"^\+?[0-9 ().\-]+$")]
    private static partial Regex PhoneFormat();
}
