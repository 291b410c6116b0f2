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

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")]
    public static partial Regex EmailFormat();
}
