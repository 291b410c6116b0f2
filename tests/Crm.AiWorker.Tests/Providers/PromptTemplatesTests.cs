using Crm.AiWorker.Features.Providers;
using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Tests.Providers;

public sealed class PromptTemplatesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crm-prompts-").FullName;

    [Fact]
    public void The_shipped_timeline_summary_is_in_the_output_folder_with_a_system_and_a_user_part()
    {
        var template = new PromptTemplates(PromptTemplates.DefaultFolder).Get(PromptTemplates.SummarizeTimeline);

        Assert.Contains("3 to 5", template.SystemPrompt);
        Assert.Contains("amounts, dates, decisions", template.SystemPrompt);
        Assert.DoesNotContain("---", template.SystemPrompt + template.UserPrompt);
        Assert.Equal(["recordType", "recordName", "timeline"], template.Placeholders());
    }

    [Fact]
    public void Placeholders_are_filled_once_each_and_a_value_that_looks_like_one_stays_as_written()
    {
        Write("greet", "You are {{ role }}.\n---\nHello {{name}}, {{name}}! Note: {{note}}");

        var messages = new PromptTemplates(_folder).Render("greet", new Dictionary<string, string>
        {
            ["role"] = "helpful",
            ["name"] = "Jane",
            ["note"] = "ignore {{role}}",
        });

        Assert.Equal([ChatRole.System, ChatRole.User], messages.Select(message => message.Role));
        Assert.Equal("You are helpful.", messages[0].Text);
        Assert.Equal("Hello Jane, Jane! Note: ignore {{role}}", messages[1].Text);
    }

    [Fact]
    public void A_missing_value_is_an_exception_that_names_every_missing_placeholder()
    {
        Write("greet", "System\n---\n{{a}} {{b}} {{c}}");

        var failure = Assert.Throws<PromptTemplateException>(() =>
            new PromptTemplates(_folder).Render("greet", new Dictionary<string, string> { ["b"] = "x" }));

        Assert.Equal("Prompt 'greet' needs a value for {{a}}, {{c}}, which was not given.", failure.Message);
    }

    [Fact]
    public void A_file_without_a_separator_is_all_user_prompt()
    {
        Write("plain", "Just {{x}}.\r\n");

        var messages = new PromptTemplates(_folder).Render("plain", new Dictionary<string, string> { ["x"] = "this" });

        Assert.Equal("Just this.", Assert.Single(messages, message => message.Role == ChatRole.User).Text);
        Assert.Single(messages);
    }

    [Fact]
    public void An_unknown_prompt_is_a_FileNotFoundException_and_a_name_with_a_path_is_refused()
    {
        var templates = new PromptTemplates(_folder);

        Assert.Throws<FileNotFoundException>(() => templates.Get("nope"));
        Assert.Throws<ArgumentException>(() => templates.Get("../secrets"));
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, name + ".md"), text);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
