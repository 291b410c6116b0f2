using Crm.AiWorker.Features.Embeddings;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Outbox;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.LeadScoring;

/// <summary>
/// Scores a lead again within seconds of a change that can move its score (outbox consumer "lead-scoring"): the lead
/// itself, or an activity or note on it. The worker's own score writes come back as events too; they change only the
/// score columns and are passed over, so scoring never feeds itself.
/// </summary>
public sealed class LeadScoringConsumer(IDbContextFactory<CrmDbContext> contexts, AiTaskLog tasks, TimeProvider clock) : IOutboxHandler
{
    public const string ConsumerName = "lead-scoring";

    private static readonly HashSet<string> ScoreColumns = ["score", "score_updated_at", "grade", "updated_at", "updated_by"];

    public string Name => ConsumerName;

    public async Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var relevant = events.Where(e =>
            (e.EntityType == OutboxEntityTypes.Lead && !(e.Action == OutboxActions.Updated && e.Changed.All(ScoreColumns.Contains))) ||
            e.EntityType is OutboxEntityTypes.Activity or OutboxEntityTypes.Note).ToList();
        foreach (var workspace in relevant.GroupBy(e => e.WorkspaceId))
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspace.Key, null));
            var leads = workspace.Where(e => e.EntityType == OutboxEntityTypes.Lead).Select(e => e.EntityId)
                .Concat((await EmbeddingTexts.LinkedRecordsAsync(db, workspace.ToList(), cancellationToken))
                    .Where(r => r.Type == OutboxEntityTypes.Lead).Select(r => r.Id))
                .Distinct().ToList();
            if (leads.Count == 0)
            {
                continue;
            }
            await tasks.RunAsync(workspace.Key, AiTaskType.LeadScoring, new { trigger = "change", leads = leads.Count }, async run =>
            {
                var scored = await LeadScorer.ScoreAsync(db, leads, clock.GetUtcNow(), cancellationToken, run);
                run.Output = new { scored };
                return scored;
            }, cancellationToken, entityType: leads.Count == 1 ? OutboxEntityTypes.Lead : null, entityId: leads.Count == 1 ? leads[0] : null);
        }
    }
}
