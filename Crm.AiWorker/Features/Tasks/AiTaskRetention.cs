using Crm.AiWorker.Features.Jobs;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Tasks;

/// <summary>
/// Deletes finished ai_tasks rows after <see cref="Retention"/> (daily, per workspace): every embedding batch and score
/// leaves one, and a month of them answers what the AI did and cost lately; pending retries are never deleted.
/// </summary>
public sealed class AiTaskRetention(
    IDbContextFactory<CrmDbContext> contexts, AiWorkspaces workspaces, TimeProvider clock, ILogger<AiTaskRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromDays(1), clock);
        do
        {
            try
            {
                var deleted = await PruneAsync(stoppingToken);
                logger.LogInformation("Deleted {Count} AI task rows older than {Retention}", deleted, Retention);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Pruning AI task rows failed; trying again tomorrow");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - Retention;
        var deleted = 0;
        foreach (var workspaceId in await workspaces.ListAsync(cancellationToken))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspaceId, null));
            deleted += await db.AiTasks
                .Where(t => t.Status != AiTaskStatus.Pending && t.Status != AiTaskStatus.Processing && t.CompletedAt < before)
                .ExecuteDeleteAsync(cancellationToken);
        }
        return deleted;
    }
}
