using System.Text.RegularExpressions;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// The input rules several resources share (their validators use them with <c>using static</c>), so they cannot drift
/// apart: an email valid on a contact is valid on a company, and every text is cleaned the same way.
/// </summary>
internal static partial class InputRules
{
    /// <summary>Trimmed, blank as null: what the database stores.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Fails every field longer than its column allows.</summary>
    public static void CheckLengths(IEnumerable<(string Field, string? Value, int Max)> lengths, Action<string, string> fail)
    {
        foreach (var (field, value, max) in lengths)
        {
            if (value?.Length > max)
            {
                fail(field, $"At most {max} characters.");
            }
        }
    }

    /// <summary>Fails every URL that is not an absolute http or https URL (the tables' <c>~* '^https?://'</c> CHECKs).</summary>
    public static void CheckUrls(IEnumerable<(string Field, string? Url)> urls, Action<string, string> fail)
    {
        foreach (var (field, url) in urls)
        {
            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                fail(field, "Must be an absolute http or https URL.");
            }
        }
    }

    /// <summary>Whether <paramref name="value"/> fits a <c>numeric(15, 2)</c> money column and is not negative.</summary>
    public static bool IsAmount(decimal value) => value is >= 0 and < 10_000_000_000_000m && decimal.Round(value, 2) == value;

    public const string AmountRule = "at least 0, below 10^13, with at most 2 decimals";

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")]
    public static partial Regex EmailFormat();

    /// <summary>An ISO 4217 code, upper-case.</summary>
    [GeneratedRegex("^[A-Z]{3}$")]
    public static partial Regex CurrencyFormat();

    public const string CurrencyRule = "Currency must be an ISO 4217 code of three letters, such as USD.";
}
