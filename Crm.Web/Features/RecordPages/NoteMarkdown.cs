using Markdig;
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

    public static MarkupString ToHtml(string? markdown) => new(Markdown.ToHtml(markdown ?? "", Pipeline));
}
