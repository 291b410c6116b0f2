using System.Globalization;
using System.Text.Json;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>Reads filter and cursor values as a field's type, and writes sort key values into cursors.</summary>
internal static class FieldValues
{
    /// <summary>Dates as the API's JSON writes them (ISO 8601's calendar date).</summary>
    private const string DateFormat = "yyyy-MM-dd";

    public static bool TryParse(ListField field, string text, out object? value, out string error)
    {
        error = string.Empty;
        value = null;
        var invariant = CultureInfo.InvariantCulture;
        switch (field.Kind)
        {
            case FieldKind.String:
                value = text;
                return true;
            case FieldKind.Guid when Guid.TryParse(text, out var guid):
                value = guid;
                return true;
            case FieldKind.Integer when field.ValueType == typeof(int) && int.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var i):
                value = i;
                return true;
            case FieldKind.Integer when field.ValueType == typeof(long) && long.TryParse(text, NumberStyles.AllowLeadingSign, invariant, out var l):
                value = l;
                return true;
            case FieldKind.Decimal when decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, invariant, out var d):
                value = d;
                return true;
            case FieldKind.Boolean when text is "true" or "false":
                value = text == "true";
                return true;
            case FieldKind.DateTime when IsIsoDate(text) &&
                                         DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal, out var at):
                // Npgsql writes only UTC DateTimeOffsets to timestamptz.
                value = at.ToUniversalTime();
                return true;
            case FieldKind.Date when DateOnly.TryParseExact(text, DateFormat, invariant, DateTimeStyles.None, out var date):
                value = date;
                return true;
            case FieldKind.Enum when EnumNames.TryParse(field.ValueType, text, out var member):
                value = member;
                return true;
        }
        error = field.Kind switch
        {
            FieldKind.Guid => $"'{text}' is not a UUID.",
            FieldKind.Integer => $"'{text}' is not a whole number in range.",
            FieldKind.Decimal => $"'{text}' is not a number.",
            FieldKind.Boolean => $"'{text}' is not true or false.",
            FieldKind.DateTime => $"'{text}' is not a date-time (use ISO 8601).",
            FieldKind.Date => $"'{text}' is not a date (use yyyy-MM-dd).",
            FieldKind.Enum => $"'{text}' is not one of: {string.Join(", ", EnumNames.All(field.ValueType))}.",
            _ => $"'{text}' is not valid.",
        };
        return false;
    }

    /// <summary>The invariant text of a sort key value, which <see cref="TryParse"/> reads back exactly.</summary>
    public static string Format(object value) => value switch
    {
        DateTimeOffset at => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString(DateFormat, CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        Enum e => EnumNames.Of(e),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>ISO 8601 starts yyyy-MM-dd; refuses the culture-specific forms DateTimeOffset.TryParse would accept.</summary>
    private static bool IsIsoDate(string text) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[3]) && text[4] == '-' && text[7] == '-';
}

/// <summary>Enum values as the API's JSON writes them: lower_snake (<c>SalesRep</c> → <c>sales_rep</c>).</summary>
public static class EnumNames
{
    public static string Of(Enum value) => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static IEnumerable<string> All(Type enumType) => Enum.GetValues(enumType).Cast<Enum>().Select(Of);

    public static bool TryParse(Type enumType, string text, out object? value)
    {
        value = Enum.GetValues(enumType).Cast<Enum>().FirstOrDefault(e => Of(e) == text);
        return value is not null;
    }
}
