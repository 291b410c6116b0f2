using System.ClientModel;
using System.Text.Json;
using Crm.AiWorker.Features.Providers;
using Crm.AiWorker.Features.Summaries.Extractive;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain.Ai;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Features.Summaries;

/// <summary>A summary as made, before it is stored: the text, its key facts and keyphrases, how and by which model.</summary>
public sealed record GeneratedSummary(string Text, IReadOnlyList<string> KeyFacts, IReadOnlyList<string> Keyphrases, SummaryMethod Method, string Model);

/// <summary>
/// Writes a timeline's summary: with the language model when <c>ConnectionStrings:ai</c> names a chat model (prompt
/// template summarize-timeline.md, tokens and cost recorded on the task), otherwise extractively (TextRank's most
/// central sentences, key facts = the chosen sentences with amounts or dates, and keyphrases).
/// </summary>
public sealed class SummaryGenerator(IServiceProvider services, PromptTemplates prompts, IOptions<AiPricingOptions> pricing)
{
    public const string ExtractiveModel = "textrank";

    private const int ExtractiveSentences = 5;

    public bool UsesLanguageModel => Chat is not null;

    private IChatClient? Chat => services.GetService<IChatClient>();

    /// <summary>A provider failure worth retrying later: unreachable, an error status, a timeout.</summary>
    public static bool IsProviderFailure(Exception e) =>
        e is HttpRequestException or ClientResultException or TimeoutException or TaskCanceledException or Polly.ExecutionRejectedException;

    public async Task<GeneratedSummary> GenerateAsync(Timeline timeline, AiTaskRun run, CancellationToken cancellationToken)
    {
        if (Chat is not { } chat || timeline.Entries.Count == 0)
        {
            run.ModelProvider = AiModelInfo.Local;
            run.ModelName = ExtractiveModel;
            return Extractive(timeline);
        }
        var metadata = chat.GetService<ChatClientMetadata>();
        run.ModelProvider = AiModelInfo.OpenAiCompatible;
        run.ModelName = metadata?.DefaultModelId;
        var messages = prompts.Render(PromptTemplates.SummarizeTimeline, new Dictionary<string, string>
        {
            ["recordType"] = timeline.EntityType,
            ["recordName"] = timeline.Name,
            ["timeline"] = timeline.ToPromptText(),
        });
        var response = await chat.GetResponseAsync(messages, new ChatOptions { Temperature = 0 }, cancellationToken);
        var usage = ChatUsage.From(response, pricing.Value);
        run.InputTokens = (int)usage.InputTokens;
        run.OutputTokens = (int)usage.OutputTokens;
        run.CostCents = usage.CostCents;
        var (text, facts) = ParseAnswer(response.Text);
        return new GeneratedSummary(text, facts, Extractive(timeline).Keyphrases, SummaryMethod.Llm, response.ModelId ?? metadata?.DefaultModelId ?? "llm");
    }

    public static GeneratedSummary Extractive(Timeline timeline)
    {
        if (timeline.Entries.Count == 0)
        {
            return new GeneratedSummary($"Nothing has happened on this {timeline.EntityType} yet.", [], [], SummaryMethod.Extractive, ExtractiveModel);
        }
        var summary = ExtractiveSummarizer.Summarize(timeline.Entries, ExtractiveSentences);
        var facts = summary.Sentences.Where(s => ExtractiveSummarizer.HasFact(s.Text)).Select(s => $"{s.At:yyyy-MM-dd}: {s.Text}").ToList();
        return new GeneratedSummary(summary.ToText(), facts, summary.Keyphrases, SummaryMethod.Extractive, ExtractiveModel);
    }

    /// <summary>
    /// The template asks for "Summary: ..." then "Key facts:" and "- " lines; an answer in another shape is kept whole as
    /// the summary, with no key facts, rather than thrown away.
    /// </summary>
    public static (string Text, IReadOnlyList<string> Facts) ParseAnswer(string answer)
    {
        var at = answer.IndexOf("Key facts:", StringComparison.OrdinalIgnoreCase);
        var summary = (at < 0 ? answer : answer[..at]).Trim();
        if (summary.StartsWith("Summary:", StringComparison.OrdinalIgnoreCase))
        {
            summary = summary["Summary:".Length..].Trim();
        }
        var facts = at < 0
            ? []
            : answer[(at + "Key facts:".Length)..].Split('\n', StringSplitOptions.TrimEntries)
                .Where(line => line.StartsWith("- ", StringComparison.Ordinal)).Select(line => line[2..].Trim())
                .Where(fact => fact.Length > 0 && !fact.Equals("none", StringComparison.OrdinalIgnoreCase))
                .ToList();
        return (summary, facts);
    }

    public static void Store(AiSummary row, Timeline timeline, GeneratedSummary summary, DateTimeOffset now)
    {
        row.Summary = summary.Text;
        row.KeyFacts = JsonSerializer.Serialize(summary.KeyFacts);
        row.Keyphrases = JsonSerializer.Serialize(summary.Keyphrases);
        row.Method = summary.Method;
        row.Model = summary.Model;
        row.TimelineHash = timeline.Hash;
        row.TimelineEntries = timeline.Entries.Count;
        row.GeneratedAt = now;
    }
}
