using Crm.AiWorker.Features.Jobs;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Leads;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Features.LeadScoring;

/// <summary>When the nightly lead scoring batch runs (configuration section <c>Ai:LeadScoring</c>).</summary>
public sealed class LeadScoringOptions
{
    public const string Section = "Ai:LeadScoring";

    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A model older than this is trained again even if the outcomes did not grow.</summary>
    public TimeSpan MaxModelAge { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// The nightly batch (and one at start): for every workspace, trains a new lead scoring model when there is none yet,
/// when the outcomes grew by a tenth since the last one (the data drifted), or when it is older than
/// <see cref="LeadScoringOptions.MaxModelAge"/>; then scores every open lead, so that rule changes and time (the decay
/// of engagement) reach every score at least daily.
/// </summary>
public sealed class LeadScoringSchedule(
    IDbContextFactory<CrmDbContext> contexts, AiWorkspaces workspaces, AiTaskLog tasks, TimeProvider clock,
    IOptions<LeadScoringOptions> options, ILogger<LeadScoringSchedule> logger) : WorkspaceSchedule(workspaces, clock, logger)
{
    protected override string JobName => "lead scoring batch";

    protected override TimeSpan Interval => options.Value.BatchInterval;

    /// <summary>Trains if due, then scores every open lead of one workspace.</summary>
    public override async Task RunAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, null));
        if (await TrainingDueAsync(db, cancellationToken))
        {
            var outcome = await tasks.RunAsync(workspaceId, AiTaskType.ModelTraining, new { modelType = "lead_scoring" }, async run =>
            {
                var result = await LeadModelTrainer.TrainAsync(db, Clock.GetUtcNow(), cancellationToken);
                run.ModelProvider = "local";
                run.ModelName = result.Model?.DisplayName;
                run.Output = new { result.Deployed, result.Reason, result.CandidateAuc, result.RulesAuc, result.CurrentAuc };
                return result;
            }, cancellationToken);
            logger.LogInformation("Lead scoring model of workspace {Workspace}: {Reason}", workspaceId, outcome.Reason);
        }
        var scored = await tasks.RunAsync(workspaceId, AiTaskType.LeadScoring, new { trigger = "batch" }, async run =>
        {
            var count = await LeadScorer.ScoreAsync(db, null, Clock.GetUtcNow(), cancellationToken, run);
            run.Output = new { scored = count };
            return count;
        }, cancellationToken);
        logger.LogInformation("Scored {Count} open leads of workspace {Workspace}", scored, workspaceId);
    }

    private async Task<bool> TrainingDueAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var outcomes = await db.Leads.CountAsync(l => l.DeletedAt == null && (l.Status == LeadStatus.Converted || l.Status == LeadStatus.Lost), cancellationToken);
        if (outcomes < LeadModelTrainer.MinOutcomes)
        {
            return false;
        }
        var last = await db.AiModels.Where(m => m.ModelType == AiModelType.LeadScoring && m.Status != AiModelStatus.Failed)
            .OrderByDescending(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        return last is null
               || outcomes >= last.TrainingRows * 1.1
               || Clock.GetUtcNow() - (last.TrainedAt ?? last.CreatedAt) > options.Value.MaxModelAge;
    }
}
