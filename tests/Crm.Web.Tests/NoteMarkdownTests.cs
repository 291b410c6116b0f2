using Crm.Web.Features.RecordPages;

namespace Crm.Web.Tests;

public sealed class NoteMarkdownTests
{
    [Fact]
    public void Markdown_is_rendered()
    {
        var html = NoteMarkdown.ToHtml("**Budget** approved, see [the offer](https://example.com/offer)").Value;

        Assert.Contains("<strong>Budget</strong>", html);
        Assert.Contains("<a href=\"https://example.com/offer\">the offer</a>", html);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    public void Raw_html_is_shown_as_text_not_markup(string note)
    {
        var html = NoteMarkdown.ToHtml(note).Value;

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<a ", html);
        Assert.Contains("&lt;", html);
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JavaScript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("![pixel](javascript:alert(1))")]
    [InlineData("<javascript:alert(1)>")]
    public void Links_to_other_schemes_than_web_mail_and_phone_are_disarmed(string note)
    {
        var html = NoteMarkdown.ToHtml(note).Value;

        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Mentions_are_marked_in_text_but_never_inside_a_tag()
    {
        var html = NoteMarkdown.ToHtml("Ask @Ann Lee, see [notes](https://example.com \"by @Ann Lee\") or mail ann@Ann Lee", ["Ann Lee", "Ann"]).Value;

        Assert.Contains("Ask <span class=\"mention\">@Ann Lee</span>,", html);
        Assert.Contains("title=\"by @Ann Lee\"", html);
        Assert.Contains("ann@Ann Lee", html);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "class=\"mention\""));
    }

    [Fact]
    public void A_mentioned_name_with_markup_characters_is_encoded()
    {
        var html = NoteMarkdown.ToHtml("Thanks @<b>Bob</b>", ["<b>Bob</b>"]).Value;

        Assert.Contains("<span class=\"mention\">@&lt;b&gt;Bob&lt;/b&gt;</span>", html);
        Assert.DoesNotContain("<b>", html);
    }
}
