using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Features.Providers;

/// <summary>
/// A prompt from <c>Prompts/{name}.md</c>: a system part, a line <c>---</c>, then a user part (a file without the
/// separator is all user prompt). <c>{{name}}</c> marks a value filled in per call.
/// </summary>
public sealed partial record PromptTemplate(string Name, string SystemPrompt, string UserPrompt)
{
    /// <summary>The system and user messages with every placeholder filled in.</summary>
    /// <exception cref="PromptTemplateException">A placeholder has no value in <paramref name="values"/>.</exception>
    public IList<ChatMessage> Render(IReadOnlyDictionary<string, string> values)
    {
        var missing = Placeholders().Where(name => !values.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new PromptTemplateException(
                $"Prompt '{Name}' needs a value for {string.Join(", ", missing.Select(name => $"{{{{{name}}}}}"))}, which was not given.");
        }

        // One pass over the template: a value that itself contains {{...}} (a customer's note, say) stays as written.
        string Fill(string text) => Placeholder().Replace(text, match => values[match.Groups[1].Value]);

        var messages = new List<ChatMessage>();
        if (SystemPrompt.Length > 0)
        {
            messages.Add(new ChatMessage(ChatRole.System, Fill(SystemPrompt)));
        }
        messages.Add(new ChatMessage(ChatRole.User, Fill(UserPrompt)));
        return messages;
    }

    /// <summary>The names of the template's placeholders, each once, in order of appearance.</summary>
    public IEnumerable<string> Placeholders() =>
        Placeholder().Matches(SystemPrompt + "\n" + UserPrompt).Select(match => match.Groups[1].Value).Distinct(StringComparer.Ordinal);

    internal static PromptTemplate Parse(string name, string text)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var separator = Array.FindIndex(lines, line => line.TrimEnd() == "---");
        return separator < 0
            ? new PromptTemplate(name, "", text.Trim())
            : new PromptTemplate(name, string.Join('\n', lines[..separator]).Trim(), string.Join('\n', lines[(separator + 1)..]).Trim());
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Placeholder();
}

/// <summary>A prompt that cannot be rendered: a placeholder without a value.</summary>
public sealed class PromptTemplateException(string message) : InvalidOperationException(message);

/// <summary>
/// The prompt files, read once each. They are files rather than strings in code so that a prompt can be read and
/// reviewed (and changed) as text; the project copies <c>Prompts/*.md</c> to the output folder.
/// </summary>
public sealed class PromptTemplates(string folder)
{
    public const string SummarizeTimeline = "summarize-timeline";

    private readonly ConcurrentDictionary<string, PromptTemplate> _templates = new(StringComparer.Ordinal);

    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "Prompts");

    public string Folder => folder;

    /// <exception cref="FileNotFoundException">There is no <c>{name}.md</c> in the folder.</exception>
    public PromptTemplate Get(string name) => _templates.GetOrAdd(name, Load);

    /// <summary>The template's messages with the values filled in (see <see cref="PromptTemplate.Render"/>).</summary>
    public IList<ChatMessage> Render(string name, IReadOnlyDictionary<string, string> values) => Get(name).Render(values);

    private PromptTemplate Load(string name)
    {
        // Names come from code, but a name with a path in it would read outside the folder: refuse it.
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a prompt name.", nameof(name));
        }
        var path = Path.Combine(folder, name + ".md");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no prompt '{name}': {path} does not exist.", path);
        }
        return PromptTemplate.Parse(name, File.ReadAllText(path));
    }
}
