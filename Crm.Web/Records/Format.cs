using System.Globalization;
using System.Text.Json.Nodes;

namespace Crm.Web.Records;

/// <summary>How values read from the API are shown: money with its currency, dates in the reader's words, enum codes as words.</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public static string Money(decimal? value, string? currency = "USD")
    {
        if (value is null)
        {
            return "—";
        }
        var code = string.IsNullOrEmpty(currency) ? "USD" : currency;
        var amount = Math.Abs(value.Value) >= 1_000_000
            ? (value.Value / 1_000_000m).ToString("0.#", Culture) + "M"
            : value.Value.ToString("#,0.##", Culture);
        return code switch { "USD" => "$" + amount, "EUR" => "€" + amount, "GBP" => "£" + amount, _ => $"{amount} {code}" };
    }

    /// <summary>An enum code as words: <c>new_business</c> → "New business", <c>mql</c> → "MQL".</summary>
    public static string Words(string? code) => code switch
    {
        null or "" => "—",
        "mql" or "sql" or "rfm" => code.ToUpperInvariant(),
        _ => char.ToUpperInvariant(code[0]) + code[1..].Replace('_', ' '),
    };

    public static string Date(DateOnly? date) => date?.ToString("MMM d, yyyy", Culture) ?? "—";

    public static string DateTime(DateTimeOffset? time) => time?.ToString("MMM d, yyyy HH:mm", Culture) ?? "—";

    /// <summary>"3 days ago", "in 2 hours": how long ago or ahead of now.</summary>
    public static string Relative(DateTimeOffset? time, DateTimeOffset now)
    {
        if (time is null)
        {
            return "—";
        }
        var span = now - time.Value;
        var future = span < TimeSpan.Zero;
        var abs = span.Duration();
        var text = abs.TotalMinutes < 1 ? "just now"
            : abs.TotalHours < 1 ? Plural((int)abs.TotalMinutes, "minute")
            : abs.TotalDays < 1 ? Plural((int)abs.TotalHours, "hour")
            : abs.TotalDays < 30 ? Plural((int)abs.TotalDays, "day")
            : abs.TotalDays < 365 ? Plural((int)(abs.TotalDays / 30), "month")
            : Plural((int)(abs.TotalDays / 365), "year");
        return text == "just now" ? text : future ? $"in {text}" : $"{text} ago";
    }

    public static string Plural(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count:#,0} {noun}s";

    /// <summary>A field's value from a record, as text (references are resolved by the caller; date-times in <paramref name="zone"/>).</summary>
    public static string Field(JsonObject record, FieldDefinition field, TimeZoneInfo? zone = null)
    {
        var node = record[field.Key];
        if (node is null)
        {
            return "—";
        }
        return field.Kind switch
        {
            FieldKind.Money => Money(Decimal(node), record[field.CurrencyKey ?? "currency"]?.GetValue<string>()),
            FieldKind.Percent => Decimal(node) is { } percent ? $"{percent:0.#}%" : "—",
            FieldKind.Number => Decimal(node)?.ToString("#,0.##", Culture) ?? "—",
            FieldKind.Date => DateOnly.TryParse(node.ToString(), CultureInfo.InvariantCulture, out var date) ? Date(date) : node.ToString(),
            FieldKind.DateTime => DateTimeOffset.TryParse(node.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
                ? DateTime(zone is null ? time : TimeZoneInfo.ConvertTime(time, zone))
                : node.ToString(),
            FieldKind.Boolean => node.GetValueKind() == System.Text.Json.JsonValueKind.True ? "Yes" : "No",
            FieldKind.Choice => Words(node.ToString()),
            _ => node is JsonValue ? node.ToString() : node.ToJsonString(),
        };
    }

    public static decimal? Decimal(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<decimal>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) && decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static Guid? Id(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var id) ? id : null;
}
