using System.Text.Json;
using Crm.AiWorker.Tests.Providers;
using static Crm.AiWorker.Tests.Summaries.DealTimelines;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>
/// Summaries written by the language model through <see cref="FakeOpenAiServer"/>: what the prompt carries, how the
/// answer and its usage are stored, and the provider-down path of DESIGN.md section 9: the request still gets a summary
/// (an extractive one, or the last good one marked stale), a retry is queued in ai_tasks and SummaryRetries writes
/// the model's summary once the provider is back.
/// </summary>
public sealed class LlmSummaryTests : IClassFixture<LlmWorkerFactory>
{
    private const string Answer = """
        Summary: Acme is buying the CRM for 120 seats at $48,000. Dana Lee, the CFO, is the decision maker. The legal review is due by March 3.

        Key facts:
        - Price: $48,000 for 120 seats
        - Legal review due by March 3
        - Decision maker: Dana Lee (CFO)
        """;

    private const string AnswerText = "Acme is buying the CRM for 120 seats at $48,000. Dana Lee, the CFO, is the decision maker. The legal review is due by March 3.";

    private static readonly string[] AnswerFacts = ["Price: $48,000 for 120 seats", "Legal review due by March 3", "Decision maker: Dana Lee (CFO)"];

    private readonly LlmWorkerFactory _worker;

    public LlmSummaryTests(LlmWorkerFactory worker)
    {
        _worker = worker;
        // The fake is shared by the class's tests: each starts with it answering, and answering this.
        worker.Fake.Recover();
        worker.Fake.ChatReply = Answer;
    }

    private FakeOpenAiServer Fake => _worker.Fake;

    [Fact]
    public async Task The_model_gets_the_timeline_and_the_name_and_its_answer_is_parsed_stored_and_logged_with_its_usage()
    {
        const string name = "Acme CRM rollout (model)";
        var deal = await SeedDealAsync(_worker, _worker.WorkspaceA, name);
        var client = _worker.CreateServiceClient();

        var answer = await SummarizeAsync(client, _worker.WorkspaceA, deal);

        Assert.Equal(("llm", LlmWorkerFactory.Model, "generated"),
            (answer.GetProperty("method").GetString(), answer.GetProperty("model").GetString(), answer.GetProperty("source").GetString()));
        Assert.Equal(AnswerText, answer.GetProperty("summary").GetString());
        Assert.Equal(AnswerFacts, Strings(answer.GetProperty("keyFacts")));
        Assert.NotEmpty(Strings(answer.GetProperty("keyphrases"))); // the timeline's own, extracted locally
        Assert.Equal(Entries, answer.GetProperty("timelineEntries").GetInt32());
        Assert.False(answer.GetProperty("stale").GetBoolean());

        var request = Assert.Single(ChatRequestsAbout(name));
        Assert.Equal(LlmWorkerFactory.Model, request.Body.GetProperty("model").GetString());
        Assert.Equal(0, request.Body.GetProperty("temperature").GetDouble());
        Assert.Equal($"Bearer {FakeOpenAiServer.Key}", request.Authorization);
        var messages = request.Body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Contains("Key facts", ContentOf(messages[0]), StringComparison.Ordinal);
        var prompt = ContentOf(messages[1]);
        Assert.Contains($"deal \"{name}\"", prompt, StringComparison.Ordinal);
        Assert.Contains($"2025-02-12 [call] Pricing call with the CFO: {Price}", prompt, StringComparison.Ordinal);
        Assert.Contains($"2025-02-18 [email] Legal: {LegalReview}", prompt, StringComparison.Ordinal);
        Assert.Contains("[stage] Moved from Discovery to Negotiation", prompt, StringComparison.Ordinal);
        Assert.Contains("Worth 48,000 USD.", prompt, StringComparison.Ordinal);
        Assert.Contains("Happy Friday everyone!", prompt, StringComparison.Ordinal); // the whole timeline: choosing is the model's job
        // Oldest first: the deal's creation before the intro email, the stage change last but for the out-of-office reply.
        Assert.True(prompt.IndexOf("Deal created", StringComparison.Ordinal) < prompt.IndexOf("[email] Intro", StringComparison.Ordinal), prompt);
        Assert.True(prompt.IndexOf("[email] Intro", StringComparison.Ordinal) < prompt.IndexOf("Pricing call with the CFO", StringComparison.Ordinal), prompt);

        var task = Assert.Single(await TasksAsync(_worker, deal));
        Assert.Equal(("completed", "openai-compatible", LlmWorkerFactory.Model), (task.Status, task.ModelProvider, task.ModelName));
        Assert.Equal((FakeOpenAiServer.PromptTokens, FakeOpenAiServer.CompletionTokens), (task.InputTokens, task.OutputTokens));
        var stored = await StoredAsync(_worker, deal);
        Assert.NotNull(stored);
        Assert.Equal((AnswerText, "llm", LlmWorkerFactory.Model), (stored.Summary, stored.Method, stored.Model));
        Assert.Equal(AnswerFacts, stored.KeyFacts);

        // Asked again with nothing changed: the cache answers and the model is not called.
        var again = await SummarizeAsync(client, _worker.WorkspaceA, deal);
        Assert.Equal("cached", again.GetProperty("source").GetString());
        Assert.Equal(answer.GetProperty("generatedAt").GetDateTimeOffset(), again.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.Single(ChatRequestsAbout(name));
    }

    [Fact]
    public async Task With_the_provider_down_and_no_stored_summary_an_extractive_one_is_answered_and_the_retry_writes_the_models()
    {
        const string name = "Acme CRM rollout (outage)";
        var deal = await SeedDealAsync(_worker, _worker.WorkspaceA, name);
        var client = _worker.CreateServiceClient();
        Fake.FailNext(503);

        var fallback = await SummarizeAsync(client, _worker.WorkspaceA, deal);

        Assert.Equal(("extractive-fallback", "extractive", false),
            (fallback.GetProperty("source").GetString(), fallback.GetProperty("method").GetString(), fallback.GetProperty("stale").GetBoolean()));
        Assert.Contains(Price, fallback.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.NotEmpty(Strings(fallback.GetProperty("keyFacts")));
        Assert.Single(ChatRequestsAbout(name)); // one attempt: MaxRetries=0
        var tasks = await TasksAsync(_worker, deal);
        var failed = Assert.Single(tasks, t => t.Status == "failed");
        Assert.Contains("503", failed.ErrorMessage, StringComparison.Ordinal);
        var pending = Assert.Single(tasks, t => t.Status == "pending");
        Assert.Equal(2, tasks.Count);
        Assert.True(pending.RunAfter > DateTimeOffset.UtcNow, $"run_after {pending.RunAfter:O} is not in the future");
        Assert.Equal("extractive", (await StoredAsync(_worker, deal))?.Method);

        // While the retry waits, requests are answered from what is stored without calling the model again.
        var waiting = await SummarizeAsync(client, _worker.WorkspaceA, deal);
        Assert.Equal(fallback.GetProperty("summary").GetString(), waiting.GetProperty("summary").GetString());
        // The timeline has not changed, so the stored summary is current: cached, not stale, though not the model's.
        Assert.Equal(("cached", "extractive"), (waiting.GetProperty("source").GetString(), waiting.GetProperty("method").GetString()));
        Assert.False(waiting.GetProperty("stale").GetBoolean());
        Assert.Single(ChatRequestsAbout(name));
        // Not due yet: the retries leave it alone.
        Assert.Equal(0, await _worker.Retries.RunDueAsync(CancellationToken.None));
        Assert.Equal("pending", Assert.Single(await TasksAsync(_worker, deal), t => t.Id == pending.Id).Status);

        Fake.Recover();
        await MakeDueAsync(pending.Id);
        Assert.Equal(1, await _worker.Retries.RunDueAsync(CancellationToken.None));

        var stored = await StoredAsync(_worker, deal);
        Assert.NotNull(stored);
        Assert.Equal((AnswerText, "llm", LlmWorkerFactory.Model, Entries), (stored.Summary, stored.Method, stored.Model, stored.TimelineEntries));
        Assert.Equal(AnswerFacts, stored.KeyFacts);
        var retried = Assert.Single(await TasksAsync(_worker, deal), t => t.Id == pending.Id);
        Assert.Equal(("completed", 1, "openai-compatible", LlmWorkerFactory.Model), (retried.Status, retried.Attempts, retried.ModelProvider, retried.ModelName));
        Assert.Equal((FakeOpenAiServer.PromptTokens, FakeOpenAiServer.CompletionTokens), (retried.InputTokens, retried.OutputTokens));
        Assert.NotNull(retried.CompletedAt);
        Assert.Null(retried.ErrorMessage);
        Assert.Equal(2, ChatRequestsAbout(name).Count);

        // The model's summary is now the cached answer.
        var after = await SummarizeAsync(client, _worker.WorkspaceA, deal);
        Assert.Equal(("cached", "llm", AnswerText),
            (after.GetProperty("source").GetString(), after.GetProperty("method").GetString(), after.GetProperty("summary").GetString()));
        Assert.Equal(2, ChatRequestsAbout(name).Count);
    }

    [Fact]
    public async Task With_the_provider_down_a_changed_timeline_gets_the_last_good_summary_marked_stale_until_a_retry_succeeds()
    {
        const string name = "Acme CRM rollout (stale)";
        var deal = await SeedDealAsync(_worker, _worker.WorkspaceA, name);
        var client = _worker.CreateServiceClient();
        var good = await SummarizeAsync(client, _worker.WorkspaceA, deal);
        Assert.Equal(("generated", "llm"), (good.GetProperty("source").GetString(), good.GetProperty("method").GetString()));
        var goodRow = await StoredAsync(_worker, deal);
        Assert.NotNull(goodRow);

        const string signed = "Dana Lee signed the contract on March 5: 120 seats for $48,000, kickoff on March 10.";
        await AddNoteAsync(_worker, _worker.WorkspaceA, deal, signed, Start.AddDays(30));
        Fake.FailNext(500);

        var stale = await SummarizeAsync(client, _worker.WorkspaceA, deal);

        Assert.Equal(("stale", true, "llm"), (stale.GetProperty("source").GetString(), stale.GetProperty("stale").GetBoolean(), stale.GetProperty("method").GetString()));
        Assert.Equal(AnswerText, stale.GetProperty("summary").GetString());
        Assert.Equal(Entries, stale.GetProperty("timelineEntries").GetInt32()); // what the summary covers, not the timeline now
        Assert.Equal(good.GetProperty("generatedAt").GetDateTimeOffset(), stale.GetProperty("generatedAt").GetDateTimeOffset());
        var kept = await StoredAsync(_worker, deal);
        Assert.Equal((goodRow.TimelineHash, AnswerText), (kept?.TimelineHash, kept?.Summary));
        var pending = Assert.Single(await TasksAsync(_worker, deal), t => t.Status == "pending");

        // A retry while the provider is still down waits longer and keeps the task.
        await MakeDueAsync(pending.Id);
        Assert.Equal(0, await _worker.Retries.RunDueAsync(CancellationToken.None));
        var backedOff = Assert.Single(await TasksAsync(_worker, deal), t => t.Id == pending.Id);
        Assert.Equal(("pending", 1), (backedOff.Status, backedOff.Attempts));
        Assert.True(backedOff.RunAfter > DateTimeOffset.UtcNow.AddSeconds(90), $"run_after {backedOff.RunAfter:O}: the second wait is two minutes");
        Assert.Contains("500", backedOff.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(goodRow.TimelineHash, (await StoredAsync(_worker, deal))?.TimelineHash);

        // Back up: the retry summarises the timeline as it is now.
        Fake.Recover();
        Fake.ChatReply = $"Summary: {signed}\n\nKey facts:\n- Signed on March 5\n- Kickoff on March 10\n";
        await MakeDueAsync(pending.Id);
        Assert.Equal(1, await _worker.Retries.RunDueAsync(CancellationToken.None));
        var fresh = await StoredAsync(_worker, deal);
        Assert.NotNull(fresh);
        Assert.Equal((signed, "llm", Entries + 1), (fresh.Summary, fresh.Method, fresh.TimelineEntries));
        Assert.Equal(["Signed on March 5", "Kickoff on March 10"], fresh.KeyFacts);
        Assert.NotEqual(goodRow.TimelineHash, fresh.TimelineHash);
        var done = Assert.Single(await TasksAsync(_worker, deal), t => t.Id == pending.Id);
        Assert.Equal(("completed", 2, FakeOpenAiServer.PromptTokens), (done.Status, done.Attempts, done.InputTokens));

        var cached = await SummarizeAsync(client, _worker.WorkspaceA, deal);
        Assert.Equal(("cached", false, signed),
            (cached.GetProperty("source").GetString(), cached.GetProperty("stale").GetBoolean(), cached.GetProperty("summary").GetString()));
    }

    /// <summary>The chat requests whose prompt names <paramref name="name"/>: the fake is shared by the class's tests.</summary>
    private List<FakeOpenAiServer.ReceivedRequest> ChatRequestsAbout(string name) =>
    [
        .. Fake.Requests.Where(r => r.Path == "/v1/chat/completions" &&
                                    r.Body.GetProperty("messages").EnumerateArray().Any(m => ContentOf(m).Contains($"\"{name}\"", StringComparison.Ordinal))),
    ];

    /// <summary>A message's text: a string, or the text parts of an array of parts.</summary>
    private static string ContentOf(JsonElement message)
    {
        var content = message.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Where(part => part.TryGetProperty("text", out _)).Select(part => part.GetProperty("text").GetString()));
    }

    /// <summary>Makes a pending retry due now, as time passing would.</summary>
    private async Task MakeDueAsync(Guid taskId)
    {
        await using var command = _worker.Database.DataSource.CreateCommand("UPDATE ai_tasks SET run_after = now() - interval '1 second' WHERE id = @id AND status = 'pending'");
        command.Parameters.AddWithValue("id", taskId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
