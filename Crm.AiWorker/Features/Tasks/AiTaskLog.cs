using System.Diagnostics;
using System.Text.Json;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Tasks;

/// <summary>What an AI operation reports about itself while it runs: its model, usage and result, for its ai_tasks row.</summary>
public sealed class AiTaskRun
{
    public string? ModelProvider { get; set; }

    public string? ModelName { get; set; }

    public int? InputTokens { get; set; }

    public int? OutputTokens { get; set; }

    public decimal? CostCents { get; set; }

    /// <summary>A small JSON-serialisable summary of the result (counts, ids, metrics), not the result itself.</summary>
    public object? Output { get; set; }
}

/// <summary>
/// Writes an ai_tasks row for every AI operation (DESIGN.md section 9): type, status, model, tokens, cost and
/// duration. The row is written in its own transaction once the operation ends, so that an operation that fails and
/// rolls back its work still leaves its failed row (with the error) behind.
/// </summary>
public sealed class AiTaskLog(IDbContextFactory<CrmDbContext> contexts, TimeProvider clock, ILogger<AiTaskLog> logger)
{
    private const int MaxErrorLength = 1_000;

    public async Task<T> RunAsync<T>(
        Guid workspaceId, AiTaskType type, object input, Func<AiTaskRun, Task<T>> operation, CancellationToken cancellationToken,
        string? entityType = null, Guid? entityId = null)
    {
        var run = new AiTaskRun();
        var startedAt = clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await operation(run);
            await WriteAsync(workspaceId, type, entityType, entityId, input, run, startedAt, stopwatch.Elapsed, error: null, cancellationToken);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await WriteAsync(workspaceId, type, entityType, entityId, input, run, startedAt, stopwatch.Elapsed, e.Message, CancellationToken.None);
            throw;
        }
    }

    private async Task WriteAsync(
        Guid workspaceId, AiTaskType type, string? entityType, Guid? entityId, object input, AiTaskRun run,
        DateTimeOffset startedAt, TimeSpan elapsed, string? error, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspaceId, null));
            db.AiTasks.Add(new AiTask
            {
                Type = type,
                Status = error is null ? AiTaskStatus.Completed : AiTaskStatus.Failed,
                EntityType = entityType,
                EntityId = entityId,
                Input = JsonSerializer.Serialize(input),
                Output = run.Output is null ? null : JsonSerializer.Serialize(run.Output),
                ModelProvider = run.ModelProvider,
                ModelName = run.ModelName,
                InputTokens = run.InputTokens,
                OutputTokens = run.OutputTokens,
                CostCents = run.CostCents,
                DurationMs = (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds),
                ErrorMessage = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
                Attempts = 1,
                RunAfter = startedAt,
                CreatedAt = startedAt,
                StartedAt = startedAt,
                CompletedAt = clock.GetUtcNow(),
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
        {
            // The record of an operation must not fail the operation (or hide its own error).
            logger.LogWarning(e, "Could not record the {Type} AI task of workspace {Workspace}", type, workspaceId);
        }
    }
}
