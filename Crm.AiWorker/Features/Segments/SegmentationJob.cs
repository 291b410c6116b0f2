using System.Text.Json;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Segments;

/// <summary>What one refresh did, for its ai_tasks row and the log.</summary>
public sealed record SegmentationSummary(
    int Customers, int RfmSegments, int Clusters, int? K, double? Silhouette, int Deactivated, int Members, string? ClusteringSkipped);

/// <summary>
/// Refreshes a workspace's customer segments: reads its customers (<see cref="CustomerProfiles"/>), computes the RFM
/// segments and behaviour clusters (<see cref="SegmentBuilder"/>) and stores them in one transaction, so that readers
/// see the old segmentation or the new one, never half of each. A segment is found again by its type and key and keeps
/// its id (links and saved views to "Champions" survive refreshes); one no longer produced is marked inactive, keeping
/// its last aggregates as history, and loses its members. Refreshes of one workspace are serialised by an advisory lock,
/// so a scheduled refresh and one asked for by hand cannot interleave their writes.
/// </summary>
public sealed class SegmentationJob(IDbContextFactory<CrmDbContext> contexts, AiTaskLog tasks, TimeProvider clock)
{
    public const string ModelName = "rfm-quintiles+kmeans";

    public Task<SegmentationSummary> RunAsync(Guid workspaceId, string trigger, CancellationToken cancellationToken) =>
        tasks.RunAsync(workspaceId, AiTaskType.Segmentation, new { trigger }, async run =>
        {
            run.ModelProvider = "local";
            run.ModelName = ModelName;
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            db.UseSession(new TenantSession(workspaceId, null));
            var now = clock.GetUtcNow();
            var customers = await CustomerProfiles.LoadAsync(db, now, cancellationToken);
            var segmentation = SegmentBuilder.Build(customers);
            var summary = await SaveAsync(db, workspaceId, segmentation, now, cancellationToken);
            run.Output = summary;
            return summary;
        }, cancellationToken);

    private static async Task<SegmentationSummary> SaveAsync(
        CrmDbContext db, Guid workspaceId, Segmentation segmentation, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var lockKey = $"crm.segmentation:{workspaceId}";
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({lockKey}, 0))", cancellationToken);

        var stored = await db.CustomerSegments.ToDictionaryAsync(s => (s.SegmentType, s.Key), cancellationToken);
        await db.CustomerSegmentMembers.ExecuteDeleteAsync(cancellationToken);

        var produced = new List<(CustomerSegment Row, SegmentDraft Draft)>();
        foreach (var draft in segmentation.Segments)
        {
            if (!stored.Remove((draft.Type, draft.Key), out var row))
            {
                row = new CustomerSegment { SegmentType = draft.Type, Key = draft.Key, Name = draft.Name, CreatedAt = now };
                db.CustomerSegments.Add(row);
            }
            row.Name = draft.Name;
            row.Description = draft.Description;
            row.Criteria = draft.Criteria.ToJsonString();
            row.CriteriaDescription = draft.CriteriaDescription;
            row.Insights = draft.Insights.ToJsonString();
            row.CustomerCount = draft.Members.Count;
            row.TotalDealValue = draft.TotalDealValue;
            row.AvgDealValue = draft.AvgDealValue;
            row.ConversionRate = draft.ConversionRate;
            row.RiskScore = draft.RiskScore;
            row.OpportunityScore = draft.OpportunityScore;
            row.IsActive = true;
            row.RefreshedAt = now;
            produced.Add((row, draft));
        }
        var deactivated = 0;
        foreach (var gone in stored.Values.Where(s => s.IsActive))
        {
            gone.IsActive = false;
            deactivated++;
        }
        await db.SaveChangesAsync(cancellationToken);

        foreach (var (row, draft) in produced)
        {
            db.CustomerSegmentMembers.AddRange(draft.Members.Select(m => new CustomerSegmentMember
            {
                SegmentId = row.Id,
                EntityType = m.EntityType,
                EntityId = m.EntityId,
                ChurnRisk = m.ChurnRisk,
                OpportunityScore = m.OpportunityScore,
                Features = JsonSerializer.Serialize(m.Features),
                AssignedAt = now,
            }));
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        return new SegmentationSummary(
            segmentation.Customers,
            segmentation.Segments.Count(s => s.Type == SegmentType.Rfm),
            segmentation.Segments.Count(s => s.Type == SegmentType.Behavioral),
            segmentation.K, segmentation.Silhouette, deactivated,
            produced.Sum(p => p.Draft.Members.Count), segmentation.ClusteringSkipped);
    }
}
