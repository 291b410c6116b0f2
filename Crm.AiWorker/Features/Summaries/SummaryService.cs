using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Summaries;

/// <summary>
/// A summary as the worker answers it. <c>Source</c>: "cached" (the timeline has not changed since it was written),
/// "generated" (written now), "stale" (the timeline changed but the language model failed: the last good summary, with
/// a retry queued) or "extractive-fallback" (the model failed and there was no earlier summary).
/// </summary>
public sealed record SummaryAnswer(
    string EntityType, Guid EntityId, string Summary, IReadOnlyList<string> KeyFacts, IReadOnlyList<string> Keyphrases,
    SummaryMethod Method, string Model, int TimelineEntries, DateTimeOffset GeneratedAt, bool Stale, string Source);

/// <summary>
/// Summaries on demand, cached in ai_summaries until the record's timeline changes (its hash). A provider failure never
/// fails the request: the last good summary is answered (marked stale), or an extractive one when there is none, and
/// an ai_tasks row is left pending so that <see cref="SummaryRetries"/> writes the language model's summary later.
/// </summary>
public sealed class SummaryService(SummaryGenerator generator, AiTaskLog tasks, TimeProvider clock, ILogger<SummaryService> logger)
{
    public async Task<SummaryAnswer?> GetAsync(CrmDbContext db, string entityType, Guid entityId, CancellationToken cancellationToken)
    {
        var timeline = await Timelines.LoadAsync(db, entityType, entityId, cancellationToken);
        if (timeline is null)
        {
            return null;
        }
        var stored = await db.AiSummaries.FirstOrDefaultAsync(s => s.EntityType == entityType && s.EntityId == entityId, cancellationToken);
        var wanted = generator.UsesLanguageModel && timeline.Entries.Count > 0 ? SummaryMethod.Llm : SummaryMethod.Extractive;
        if (stored is not null && stored.TimelineHash == timeline.Hash && stored.Method == wanted)
        {
            return Answer(stored, stale: false, "cached");
        }
        if (wanted == SummaryMethod.Llm && await RetryPendingAsync(db, entityType, entityId, cancellationToken))
        {
            // The provider failed lately and a retry is queued: no new attempt (and timeout) per request meanwhile.
            return stored is null ? await FallbackAsync(db, timeline, null, cancellationToken)
                : stored.TimelineHash == timeline.Hash ? Answer(stored, stale: false, "cached")
                : Answer(stored, stale: true, "stale");
        }

        var workspaceId = db.Session.WorkspaceId!.Value;
        try
        {
            var summary = await tasks.RunAsync(workspaceId, AiTaskType.Summarization, new { entityType, entityId, entries = timeline.Entries.Count },
                run => generator.GenerateAsync(timeline, run, cancellationToken), cancellationToken, entityType, entityId);
            return Answer(await SaveAsync(db, stored, timeline, summary, cancellationToken), stale: false, "generated");
        }
        catch (Exception e) when (SummaryGenerator.IsProviderFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The language model failed to summarise {Type} {Id} ({Reason}); a retry is queued", entityType, entityId, e.Message);
            await QueueRetryAsync(db, entityType, entityId, cancellationToken);
            return stored is not null ? Answer(stored, stale: true, "stale") : await FallbackAsync(db, timeline, stored, cancellationToken);
        }
    }

    private async Task<SummaryAnswer> FallbackAsync(CrmDbContext db, Timeline timeline, AiSummary? stored, CancellationToken cancellationToken) =>
        Answer(await SaveAsync(db, stored, timeline, SummaryGenerator.Extractive(timeline), cancellationToken), stale: false, "extractive-fallback");

    public async Task<AiSummary> SaveAsync(CrmDbContext db, AiSummary? stored, Timeline timeline, GeneratedSummary summary, CancellationToken cancellationToken)
    {
        if (stored is null)
        {
            stored = new AiSummary { EntityType = timeline.EntityType, EntityId = timeline.EntityId, Summary = "", Model = "", TimelineHash = "" };
            db.AiSummaries.Add(stored);
        }
        // To the microsecond, as timestamptz keeps it: the "generated" answer's generatedAt is then the one every later
        // ("cached", "stale", Crm.Api's "stored") answer reads back.
        var now = clock.GetUtcNow();
        SummaryGenerator.Store(stored, timeline, summary, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond)));
        await db.SaveChangesAsync(cancellationToken);
        return stored;
    }

    private static Task<bool> RetryPendingAsync(CrmDbContext db, string entityType, Guid entityId, CancellationToken cancellationToken) =>
        db.AiTasks.AnyAsync(t => t.Type == AiTaskType.Summarization && t.Status == AiTaskStatus.Pending &&
                                 t.EntityType == entityType && t.EntityId == entityId, cancellationToken);

    /// <summary>One pending retry per record (a unique index): a second failure while one waits adds nothing.</summary>
    private async Task QueueRetryAsync(CrmDbContext db, string entityType, Guid entityId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO ai_tasks (id, workspace_id, type, status, entity_type, entity_id, input, run_after, created_at)
            VALUES ({Guid.CreateVersion7()}, crm_workspace_id(), 'summarization', 'pending', {entityType}, {entityId}, {"{}"}::jsonb, {now + SummaryRetries.FirstDelay}, {now})
            ON CONFLICT DO NOTHING
            """, cancellationToken);
    }

    public static SummaryAnswer Answer(AiSummary row, bool stale, string source) => new(
        row.EntityType, row.EntityId, row.Summary,
        System.Text.Json.JsonSerializer.Deserialize<string[]>(row.KeyFacts) ?? [],
        System.Text.Json.JsonSerializer.Deserialize<string[]>(row.Keyphrases) ?? [],
        row.Method, row.Model, row.TimelineEntries, row.GeneratedAt, stale, source);
}
