using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Components;

namespace Crm.Web.Features.RecordPages;

/// <summary>
/// Notes are markdown stored as written; the web renders them. Raw HTML is not rendered (it shows as text), so a note
/// cannot inject markup or script into the page of whoever reads it.
/// </summary>
public static class NoteMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseTaskLists()
        .UseSoftlineBreakAsHardlineBreak()
        .Build();

    /// <summary>The note as HTML, with the <c>@Name</c> of each mentioned member marked (names are encoded as the renderer encodes text).</summary>
    public static MarkupString ToHtml(string? markdown, IEnumerable<string>? mentionedNames = null)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        DisarmLinks(document);
        var html = document.ToHtml(Pipeline);
        var names = (mentionedNames ?? []).Where(n => n.Length > 0).OrderByDescending(n => n.Length).ToList();
        if (names.Count > 0)
        {
            // Marked in text only, never inside a tag (an href, a link's title): the renderer encodes < and > in text,
            // so splitting at tags separates the two exactly.
            var parts = Regex.Split(html, "(<[^>]*>)");
            for (var i = 0; i < parts.Length; i++)
            {
                if (!parts[i].StartsWith('<'))
                {
                    parts[i] = MarkMentions(parts[i], names);
                }
            }
            html = string.Concat(parts);
        }
        return new MarkupString(html);
    }

    // Where a mention can start (the start of a text, after a space or a bracket), never in the middle of an address.
    private static string MarkMentions(string text, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            var encoded = EncodeAsMarkdig("@" + name);
            text = Regex.Replace(text, $@"(?<=^|[\s(]){Regex.Escape(encoded)}(?!\w)",
                $"<span class=\"mention\">{encoded.Replace("$", "$$", StringComparison.Ordinal)}</span>");
        }
        return text;
    }

    // Markdown keeps any URL a link names, javascript: included: only web, mail and phone links (or relative ones) stay links.
    private static void DisarmLinks(MarkdownDocument document)
    {
        foreach (var link in document.Descendants<LinkInline>().Where(l => !IsSafeUrl(l.Url)))
        {
            link.Url = "#";
        }
        foreach (var link in document.Descendants<AutolinkInline>().Where(l => !l.IsEmail && !IsSafeUrl(l.Url)))
        {
            link.Url = "#";
        }
    }

    private static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }
        return Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            ? uri.Scheme is "http" or "https" or "mailto" or "tel"
            : !url.Contains(':'); // relative, unless it hides a scheme the parser did not take
    }

    // The four characters Markdig escapes in text, so a name is found in the HTML exactly as the renderer wrote it.
    private static string EncodeAsMarkdig(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
