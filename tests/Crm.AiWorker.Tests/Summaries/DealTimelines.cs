using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AiWorker.Tests.Embeddings;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>
/// A mid-market deal written as the CRM writes one, with SQL in its workspace's session: its pipeline, the deal (whose
/// triggers record its first stage), a stage change, and fifteen activities and notes (10 and 5) in which the key facts (the
/// agreed price, the legal review's due date, the decision maker) sit among pleasantries and logistics.
/// </summary>
public static class DealTimelines
{
    public static readonly DateTimeOffset Start = new(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);

    public const string Price = "Agreed on a price of $48,000 for 120 seats.";

    public const string LegalReview = "Legal review due by March 3.";

    /// <summary>Timeline entries of the seeded deal: 15 activities and notes, the deal itself, its first stage and the stage change.</summary>
    public const int Entries = 18;

    private sealed record Activity(int Day, string Type, string Subject, string Body, string? Direction = null);

    private sealed record Note(int Day, string Content);

    private static readonly Activity[] Activities =
    [
        new(0, "email", "Intro", "Hi Sam, hope you had a lovely weekend! Thanks for taking the time last week.", "outbound"),
        new(1, "call", "Discovery call",
            "Acme wants to replace spreadsheets with a shared CRM for 120 sales reps. "
            + "Sam Ortiz leads sales; the CFO, Dana Lee, is the decision maker and owns the budget. The weather in Lisbon has been wonderful lately.",
            "outbound"),
        new(4, "meeting", "Demo",
            "Demo went well; the reps liked the pipeline board. Their IT team needs SSO integration with Okta before "
            + "any rollout. Sorry for the late reply, traffic was awful this morning."),
        new(6, "email", "Pricing question", "Sam asked for pricing on 120 seats with SSO integration included.", "inbound"),
        new(9, "call", "Pricing call with the CFO", Price + " The price includes SSO integration and onboarding.", "outbound"),
        new(10, "email", "Re: Pricing call", "Thanks again for the coffee. Confirming: agreed on a price of $48,000 for 120 seats.", "outbound"),
        new(12, "meeting", "Contract walkthrough with Dana Lee",
            "Decision maker is the CFO, Dana Lee. Dana Lee will sign once the legal review is done."),
        new(14, "email", "Order form", "Sent the order form; their legal team starts the legal review today.", "outbound"),
        new(15, "email", "Legal", LegalReview + " Their legal team will send redlines to Dana Lee, the CFO.", "inbound"),
        new(19, "email", "Out of office", "Sorry, I'm out of office until Monday. Talk soon.", "inbound"),
    ];

    private static readonly Note[] Notes =
    [
        new(8, "Happy Friday everyone!"),
        new(13, "Lunch was nice, the new office looks great."),
        new(16, "Happy Friday everyone! Have a restful weekend."),
        new(17, "Legal review due by March 3; redlines go to the CFO."),
        new(18, "Deal moved to negotiation pending the legal review; Dana Lee, the CFO and decision maker, approved the budget."),
    ];

    /// <summary>Writes the deal named <paramref name="name"/> and its timeline in <paramref name="workspaceId"/>; returns its id.</summary>
    public static async Task<Guid> SeedDealAsync(AiWorkerFactory worker, Guid workspaceId, string name)
    {
        var deal = Guid.CreateVersion7();
        var pipeline = Guid.CreateVersion7();
        var discovery = Guid.CreateVersion7();
        var negotiation = Guid.CreateVersion7();
        await worker.ExecuteAsync(workspaceId,
            """
            INSERT INTO pipelines (id, workspace_id, name) VALUES (@pipeline, @workspace, 'Sales ' || @pipeline::text);
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position) VALUES
                (@discovery, @workspace, @pipeline, 'Discovery', 1), (@negotiation, @workspace, @pipeline, 'Negotiation', 2);
            INSERT INTO deals (id, workspace_id, name, value, currency, pipeline_id, stage_id, stage_entered_at, created_at, updated_at)
            VALUES (@deal, @workspace, @name, 48000, 'USD', @pipeline, @discovery, @created, @created, @created);
            UPDATE deals SET stage_id = @negotiation, stage_entered_at = @negotiated WHERE id = @deal;
            """,
            ("deal", deal), ("pipeline", pipeline), ("discovery", discovery), ("negotiation", negotiation), ("name", name),
            ("created", Start.AddDays(-1)), ("negotiated", Start.AddDays(18).AddHours(1)));
        foreach (var activity in Activities)
        {
            var at = Start.AddDays(activity.Day);
            await worker.ExecuteAsync(workspaceId,
                """
                INSERT INTO activities (id, workspace_id, deal_id, type, subject, description, status, direction, completed_at, created_at, updated_at)
                VALUES (@id, @workspace, @deal, @type, @subject, @body, 'completed', @direction, @at, @at, @at)
                """,
                ("id", Guid.CreateVersion7()), ("deal", deal), ("type", activity.Type), ("subject", activity.Subject), ("body", activity.Body),
                ("direction", (object?)activity.Direction ?? DBNull.Value), ("at", at));
        }
        foreach (var note in Notes)
        {
            await AddNoteAsync(worker, workspaceId, deal, note.Content, Start.AddDays(note.Day));
        }
        return deal;
    }

    public static Task AddNoteAsync(AiWorkerFactory worker, Guid workspaceId, Guid deal, string content, DateTimeOffset at) =>
        worker.ExecuteAsync(workspaceId,
            "INSERT INTO notes (id, workspace_id, deal_id, content, created_at, updated_at) VALUES (@id, @workspace, @deal, @content, @at, @at)",
            ("id", Guid.CreateVersion7()), ("deal", deal), ("content", content), ("at", at));

    /// <summary>POST /summaries/deal/{id} as Crm.Api sends it; asserts a 200 and returns the answer.</summary>
    public static async Task<JsonElement> SummarizeAsync(HttpClient client, Guid workspaceId, Guid deal)
    {
        using var response = await client.PostAsync($"/summaries/deal/{deal}?workspace={workspaceId}", null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST /summaries answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetString()!)];

    /// <summary>The summarization rows of ai_tasks for <paramref name="entityId"/>, oldest first (read as the database owner).</summary>
    public static async Task<List<TaskRow>> TasksAsync(AiWorkerFactory worker, Guid entityId)
    {
        await using var command = worker.Database.DataSource.CreateCommand(
            """
            SELECT id, workspace_id, status, entity_type, model_provider, model_name, input_tokens, output_tokens, attempts, run_after, completed_at, error_message
            FROM ai_tasks WHERE type = 'summarization' AND entity_id = @id ORDER BY created_at, id
            """);
        command.Parameters.AddWithValue("id", entityId);
        var rows = new List<TaskRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new TaskRow(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetInt32(8),
                reader.GetFieldValue<DateTimeOffset>(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetString(11)));
        }
        return rows;
    }

    /// <summary>The stored summary of <paramref name="entityId"/>, or null (read as the database owner).</summary>
    public static async Task<SummaryRow?> StoredAsync(AiWorkerFactory worker, Guid entityId)
    {
        await using var command = worker.Database.DataSource.CreateCommand(
            "SELECT workspace_id, summary, key_facts::text, method, model, timeline_hash, timeline_entries FROM ai_summaries WHERE entity_id = @id");
        command.Parameters.AddWithValue("id", entityId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }
        var row = new SummaryRow(reader.GetGuid(0), reader.GetString(1), JsonSerializer.Deserialize<List<string>>(reader.GetString(2))!,
            reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt32(6));
        Assert.False(await reader.ReadAsync(), "More than one stored summary for one record.");
        return row;
    }
}

public sealed record TaskRow(
    Guid Id, Guid WorkspaceId, string Status, string EntityType, string? ModelProvider, string? ModelName, int? InputTokens, int? OutputTokens,
    int Attempts, DateTimeOffset RunAfter, DateTimeOffset? CompletedAt, string? ErrorMessage);

public sealed record SummaryRow(Guid WorkspaceId, string Summary, List<string> KeyFacts, string Method, string Model, string TimelineHash, int TimelineEntries);
