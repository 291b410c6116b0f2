using Crm.AiWorker.Features.Jobs;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crm.AiWorker.Features.Summaries;

/// <summary>
/// Writes the summaries the language model could not write when they were asked for (pending summarization rows of
/// ai_tasks), once their <see cref="AiTask.RunAfter"/> has come: the provider-down case of DESIGN.md section 9, where no
/// work is lost. A task is claimed by one replica (an UPDATE that only one can win); a failure waits twice as long each
/// time, up to <see cref="MaxDelay"/>, and gives up after <see cref="MaxAttempts"/>. A replica that dies holding a task
/// loses it after <see cref="AbandonedAfter"/>.
/// </summary>
public sealed class SummaryRetries(
    NpgsqlDataSource dataSource, IDbContextFactory<CrmDbContext> contexts, SummaryGenerator generator, SummaryService summaries,
    TimeProvider clock, ILogger<SummaryRetries> logger) : BackgroundService
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(6);
    public const int MaxAttempts = 8;

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(30);

    /// <summary>A task still processing after this was claimed by a replica that died: it is claimed again.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);
    private const int BatchSize = 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Summary retries failed; trying again in {Interval}", PollInterval);
            }
        }
    }

    /// <summary>Handles the due retries; returns how many summaries it wrote.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var (workspaceId, taskId) in await DueAsync(cancellationToken))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspaceId, null));
            var abandonedBefore = clock.GetUtcNow() - AbandonedAfter;
            var claimed = await db.AiTasks
                .Where(t => t.Id == taskId &&
                            (t.Status == AiTaskStatus.Pending || (t.Status == AiTaskStatus.Processing && t.StartedAt < abandonedBefore)))
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.Status, AiTaskStatus.Processing)
                    .SetProperty(t => t.StartedAt, clock.GetUtcNow())
                    .SetProperty(t => t.Attempts, t => t.Attempts + 1), cancellationToken);
            if (claimed == 1 && await RunAsync(db, taskId, cancellationToken))
            {
                written++;
            }
        }
        return written;
    }

    private async Task<bool> RunAsync(CrmDbContext db, Guid taskId, CancellationToken cancellationToken)
    {
        var task = await db.AiTasks.FirstAsync(t => t.Id == taskId, cancellationToken);
        var run = new AiTaskRun();
        var started = clock.GetUtcNow();
        try
        {
            var timeline = await Timelines.LoadAsync(db, task.EntityType!, task.EntityId!.Value, cancellationToken);
            if (timeline is null)
            {
                Finish(task, AiTaskStatus.Cancelled, run, started, "The record is gone.");
            }
            else
            {
                var stored = await db.AiSummaries.FirstOrDefaultAsync(s => s.EntityType == timeline.EntityType && s.EntityId == timeline.EntityId, cancellationToken);
                await summaries.SaveAsync(db, stored, timeline, await generator.GenerateAsync(timeline, run, cancellationToken), cancellationToken);
                Finish(task, AiTaskStatus.Completed, run, started, null);
            }
        }
        catch (Exception e) when (SummaryGenerator.IsProviderFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            if (task.Attempts >= MaxAttempts)
            {
                Finish(task, AiTaskStatus.Failed, run, started, e.Message);
            }
            else
            {
                var delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(task.Attempts, 20)));
                task.Status = AiTaskStatus.Pending;
                task.RunAfter = clock.GetUtcNow() + delay;
                task.ErrorMessage = e.Message;
                logger.LogInformation("Summary of {Type} {Id} failed again (attempt {Attempt}); next try in {Delay}",
                    task.EntityType, task.EntityId, task.Attempts, delay);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return task.Status == AiTaskStatus.Completed;
    }

    private void Finish(AiTask task, AiTaskStatus status, AiTaskRun run, DateTimeOffset started, string? error)
    {
        task.Status = status;
        task.CompletedAt = clock.GetUtcNow();
        task.DurationMs = (int)(task.CompletedAt.Value - started).TotalMilliseconds;
        task.ModelProvider = run.ModelProvider;
        task.ModelName = run.ModelName;
        task.InputTokens = run.InputTokens;
        task.OutputTokens = run.OutputTokens;
        task.CostCents = run.CostCents;
        task.ErrorMessage = error;
    }

    /// <summary>Due tasks of every workspace, read in the worker's own session (policy ai_worker_due_tasks, migration 0019).</summary>
    private async Task<List<(Guid WorkspaceId, Guid TaskId)>> DueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await AiWorkspaces.OpenWorkerSessionAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT workspace_id, id FROM ai_tasks
            WHERE type = 'summarization'
              AND ((status = 'pending' AND run_after <= now()) OR (status = 'processing' AND started_at < now() - @abandoned))
            ORDER BY run_after LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("limit", BatchSize);
        command.Parameters.AddWithValue("abandoned", AbandonedAfter);
        var due = new List<(Guid, Guid)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }
        return due;
    }
}
