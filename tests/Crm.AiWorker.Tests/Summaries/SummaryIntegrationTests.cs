using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AiWorker.Tests.Embeddings;
using static Crm.AiWorker.Tests.Summaries.DealTimelines;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>
/// POST /summaries/{type}/{id} of the worker with no language model configured (no <c>ConnectionStrings:ai</c>): the
/// summary is extractive, written from the record's real timeline in the database, cached in ai_summaries until the
/// timeline changes, logged in ai_tasks, and only ever of a record of the workspace the caller names.
/// </summary>
public sealed class SummaryIntegrationTests(AiWorkerFactory worker) : IClassFixture<AiWorkerFactory>
{
    [Fact]
    public async Task An_extractive_summary_keeps_the_key_facts_is_cached_and_is_rewritten_when_the_timeline_changes()
    {
        var deal = await SeedDealAsync(worker, worker.WorkspaceA, "Acme CRM rollout");
        var client = worker.CreateServiceClient();

        var first = await SummarizeAsync(client, worker.WorkspaceA, deal);

        Assert.Equal(("deal", deal), (first.GetProperty("entityType").GetString(), first.GetProperty("entityId").GetGuid()));
        Assert.Equal("extractive", first.GetProperty("method").GetString());
        Assert.Equal("textrank", first.GetProperty("model").GetString());
        Assert.Equal("generated", first.GetProperty("source").GetString());
        Assert.False(first.GetProperty("stale").GetBoolean());
        Assert.Equal(Entries, first.GetProperty("timelineEntries").GetInt32());
        var text = first.GetProperty("summary").GetString()!;
        Assert.Contains(Price, text, StringComparison.Ordinal);
        Assert.Contains("Legal review due by March 3", text, StringComparison.Ordinal);
        Assert.Contains("Dana Lee", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Happy Friday", text, StringComparison.Ordinal);
        Assert.DoesNotContain("weather", text, StringComparison.OrdinalIgnoreCase);
        var facts = Strings(first.GetProperty("keyFacts"));
        Assert.Contains($"2025-02-12: {Price}", facts); // the pricing call, nine days after the start
        Assert.Contains(facts, fact => fact.Contains("Legal review due by March 3", StringComparison.Ordinal));
        Assert.NotEmpty(Strings(first.GetProperty("keyphrases")));

        var stored = await StoredAsync(worker, deal);
        Assert.NotNull(stored);
        Assert.Equal((worker.WorkspaceA, text, "extractive", "textrank", Entries), (stored.WorkspaceId, stored.Summary, stored.Method, stored.Model, stored.TimelineEntries));
        Assert.Equal(facts, stored.KeyFacts);
        var task = Assert.Single(await TasksAsync(worker, deal));
        Assert.Equal((worker.WorkspaceA, "completed", "deal", "local", "textrank"), (task.WorkspaceId, task.Status, task.EntityType, task.ModelProvider, task.ModelName));
        Assert.NotNull(task.CompletedAt);
        Assert.Null(task.ErrorMessage);

        // Nothing changed: the cached summary, as it was written.
        var second = await SummarizeAsync(client, worker.WorkspaceA, deal);
        Assert.Equal("cached", second.GetProperty("source").GetString());
        Assert.Equal(first.GetProperty("generatedAt").GetDateTimeOffset(), second.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.Equal(text, second.GetProperty("summary").GetString());
        Assert.Single(await TasksAsync(worker, deal));

        // A new note changes the timeline: the summary is written again and says what the note says.
        await AddNoteAsync(worker, worker.WorkspaceA, deal,
            "Dana Lee signed the contract on March 5 after the legal review: 120 seats for $48,000, kickoff on March 10.", Start.AddDays(30));
        var third = await SummarizeAsync(client, worker.WorkspaceA, deal);
        Assert.Equal("generated", third.GetProperty("source").GetString());
        Assert.Equal(Entries + 1, third.GetProperty("timelineEntries").GetInt32());
        Assert.True(third.GetProperty("generatedAt").GetDateTimeOffset() > first.GetProperty("generatedAt").GetDateTimeOffset(),
            $"generatedAt {third.GetProperty("generatedAt")} after {first.GetProperty("generatedAt")}");
        Assert.Contains("signed the contract", third.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var rewritten = await StoredAsync(worker, deal);
        Assert.NotNull(rewritten);
        Assert.NotEqual(stored.TimelineHash, rewritten.TimelineHash);
        Assert.Equal(third.GetProperty("summary").GetString(), rewritten.Summary);
        Assert.Equal(["completed", "completed"], (await TasksAsync(worker, deal)).Select(t => t.Status));
    }

    [Fact]
    public async Task A_contact_with_an_empty_timeline_gets_a_placeholder_rather_than_an_error()
    {
        var contact = Guid.CreateVersion7();
        await worker.ExecuteAsync(worker.WorkspaceA,
            "INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES (@id, @workspace, 'Quinn', 'Quiet')", ("id", contact));

        using var response = await worker.CreateServiceClient().PostAsync($"/summaries/contact/{contact}?workspace={worker.WorkspaceA}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Nothing has happened on this contact yet.", answer.GetProperty("summary").GetString());
        Assert.Equal((0, "extractive", "generated"),
            (answer.GetProperty("timelineEntries").GetInt32(), answer.GetProperty("method").GetString(), answer.GetProperty("source").GetString()));
        Assert.Empty(Strings(answer.GetProperty("keyFacts")));
        Assert.Equal("Nothing has happened on this contact yet.", (await StoredAsync(worker, contact))?.Summary);
    }

    [Fact]
    public async Task Unknown_records_and_records_of_another_workspace_are_404_and_nothing_is_stored()
    {
        var theirs = await SeedDealAsync(worker, worker.WorkspaceB, "Beta's private deal");
        var client = worker.CreateServiceClient();

        using (var unknown = await client.PostAsync($"/summaries/deal/{Guid.CreateVersion7()}?workspace={worker.WorkspaceA}", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using (var otherWorkspace = await client.PostAsync($"/summaries/deal/{theirs}?workspace={worker.WorkspaceA}", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, otherWorkspace.StatusCode);
        }
        // A deal's id asked for as a contact is not found either.
        using (var wrongType = await client.PostAsync($"/summaries/contact/{theirs}?workspace={worker.WorkspaceB}", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, wrongType.StatusCode);
        }
        Assert.Null(await StoredAsync(worker, theirs));
        Assert.Empty(await TasksAsync(worker, theirs));

        // In its own workspace the same record is summarised, and the summary belongs to that workspace.
        var own = await SummarizeAsync(client, worker.WorkspaceB, theirs);
        Assert.Contains(Price, own.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(worker.WorkspaceB, (await StoredAsync(worker, theirs))?.WorkspaceId);
        Assert.Equal(worker.WorkspaceB, Assert.Single(await TasksAsync(worker, theirs)).WorkspaceId);
    }

    [Theory]
    [InlineData("widget", true)]
    [InlineData("deals", true)]
    [InlineData("deal", false)]
    public async Task A_bad_type_or_a_missing_workspace_is_a_400_problem(string type, bool withWorkspace)
    {
        var query = withWorkspace ? $"?workspace={worker.WorkspaceA}" : "";

        using var response = await worker.CreateServiceClient().PostAsync($"/summaries/{type}/{Guid.CreateVersion7()}{query}", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Without_the_service_key_the_endpoint_answers_401_and_writes_nothing()
    {
        var deal = await SeedDealAsync(worker, worker.WorkspaceA, "Guarded deal");

        using var anonymous = await worker.CreateClient().PostAsync($"/summaries/deal/{deal}?workspace={worker.WorkspaceA}", null);
        var wrong = worker.CreateClient();
        wrong.DefaultRequestHeaders.Add(Crm.Domain.ServiceKey.Ai.HeaderName, new string('0', 64));
        using var wrongKey = await wrong.PostAsync($"/summaries/deal/{deal}?workspace={worker.WorkspaceA}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Null(await StoredAsync(worker, deal));
        Assert.Empty(await TasksAsync(worker, deal));
    }
}
