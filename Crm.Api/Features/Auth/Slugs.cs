using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Crm.Api.Features.Auth;

/// <summary>Workspace slugs: lower-case ASCII letters, digits and inner hyphens (the workspaces_slug_format check).</summary>
internal static class Slugs
{
    private const int MaxBaseLength = 50;

    /// <summary>"Acme Café &amp; Co." → "acme-cafe-co"; a name without letters or digits gives "workspace".</summary>
    public static string From(string name)
    {
        var slug = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(lower);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }
        var text = slug.ToString().Trim('-');
        text = text.Length > MaxBaseLength ? text[..MaxBaseLength].TrimEnd('-') : text;
        return text.Length == 0 ? "workspace" : text;
    }

    /// <summary>The slug with a random suffix, for when it is taken (at most 57 characters of the column's 63).</summary>
    public static string WithSuffix(string slug) =>
        $"{slug}-{RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 6)}";
}
