using System.Globalization;
using Crm.Domain;
using Crm.Domain.Deals;
using Crm.Domain.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Forecasts;

/// <summary>
/// A deal as the win model sees it, at a moment: its close for a won or lost deal, now for an open one.
/// <paramref name="Stage"/> is the last open stage it was in (for a closed deal, the stage it was closed from).
/// </summary>
public sealed record DealRow(
    Deal Deal, PipelineStage? Stage, double StagePosition, int StageProbability, double AgeDays, double DaysInStage, int Activities,
    DateOnly? WonOn)
{
    /// <summary>Won (true) or lost (false); null while open (and for abandoned deals, which are neither).</summary>
    public bool? Outcome => Deal.Status switch
    {
        DealStatus.Won => true,
        DealStatus.Lost => false,
        _ => null,
    };
}

/// <summary>
/// Loads deals with what the win model learns from. A closed deal is described as it stood just before it closed, not
/// as it is: it now sits in a won or lost stage at 100% or 0%, which would teach the model the answer. So its stage is
/// the one it was closed from (from deal_stage_history), its age and activities are counted up to its close, and its
/// days in stage are the days it spent in that last stage.
/// </summary>
public static class DealWinFeatures
{
    /// <summary>The model's features, in the order of its vectors.</summary>
    public static readonly string[] Names =
        ["stage_position", "stage_probability", "log_value", "age_days", "days_in_stage", "activities", "has_contact", "has_company"];

    public static async Task<IReadOnlyList<DealRow>> LoadAsync(CrmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deals = await db.Deals.AsNoTracking()
            .Where(d => d.DeletedAt == null && d.Status != DealStatus.Abandoned)
            .ToListAsync(cancellationToken);
        if (deals.Count == 0)
        {
            return [];
        }
        var stages = await db.PipelineStages.AsNoTracking().ToDictionaryAsync(s => s.Id, cancellationToken);
        var openStages = stages.Values.Where(s => s.Kind == StageKind.Open && s.DeletedAt == null)
            .GroupBy(s => s.PipelineId).ToDictionary(g => g.Key, g => g.Max(s => s.Position));
        var history = (await db.DealStageHistory.AsNoTracking()
            .Select(h => new { h.DealId, h.FromStageId, h.ToStageId, h.SecondsInFromStage, h.ChangedAt })
            .ToListAsync(cancellationToken)).ToLookup(h => h.DealId);
        var activities = (await db.Activities.AsNoTracking()
            .Where(a => a.DeletedAt == null && a.DealId != null)
            .Select(a => new { DealId = a.DealId!.Value, a.OccurredAt })
            .ToListAsync(cancellationToken)).ToLookup(a => a.DealId);

        bool IsOpen(Guid? stageId) => stageId is { } id && stages.TryGetValue(id, out var s) && s.Kind == StageKind.Open;

        return deals.Select(deal =>
        {
            var changes = history[deal.Id].OrderBy(h => h.ChangedAt).ToList();
            PipelineStage? stage;
            DateTimeOffset until;
            double daysInStage;
            if (deal.Status == DealStatus.Open)
            {
                until = now;
                stage = stages.GetValueOrDefault(deal.StageId);
                daysInStage = (now - deal.StageEnteredAt).TotalDays;
            }
            else
            {
                var closing = changes.LastOrDefault(h => !IsOpen(h.ToStageId) && IsOpen(h.FromStageId));
                until = closing?.ChangedAt
                        ?? (deal.ActualCloseDate is { } closed ? new DateTimeOffset(closed.ToDateTime(TimeOnly.MaxValue), TimeSpan.Zero) : deal.UpdatedAt);
                var stageId = closing?.FromStageId ?? changes.LastOrDefault(h => IsOpen(h.ToStageId))?.ToStageId ?? deal.StageId;
                stage = stages.GetValueOrDefault(stageId);
                daysInStage = closing?.SecondsInFromStage is { } seconds ? seconds / 86_400.0 : 0;
            }
            var position = stage is not null && openStages.TryGetValue(stage.PipelineId, out var last) && last > 0
                ? Math.Min(1, (double)stage.Position / last)
                : 0;
            DateOnly? wonOn = deal.Status == DealStatus.Won ? deal.ActualCloseDate ?? DateOnly.FromDateTime(until.UtcDateTime) : null;
            return new DealRow(deal, stage, position, stage?.Kind == StageKind.Open ? stage.DefaultProbability : 0,
                Math.Max(0, (until - deal.CreatedAt).TotalDays), Math.Max(0, daysInStage),
                activities[deal.Id].Count(a => a.OccurredAt <= until), wonOn);
        }).ToList();
    }

    /// <summary>A deal's feature values, in <see cref="Names"/>' order (the value on a log scale: 10x the value is one step).</summary>
    public static double[] Vector(DealRow row) =>
    [
        row.StagePosition,
        row.StageProbability,
        Math.Log10(1 + (double)row.Deal.Value),
        row.AgeDays,
        row.DaysInStage,
        row.Activities,
        row.Deal.ContactId is null ? 0 : 1,
        row.Deal.CompanyId is null ? 0 : 1,
    ];

    /// <summary>The deal's side of a factor, in words: "12 activities logged", "In stage Proposal".</summary>
    public static string Describe(string feature, DealRow row) => feature switch
    {
        "stage_position" => row.Stage is { } stage ? $"In stage {stage.Name} (step {stage.Position} of the pipeline)" : "Stage unknown",
        "stage_probability" => row.Stage is { } stage ? $"Stage {stage.Name} usually means {row.StageProbability}%" : "Stage unknown",
        "log_value" => $"Worth {row.Deal.Value.ToString("N0", CultureInfo.InvariantCulture)} {row.Deal.Currency.Trim()}",
        "age_days" => $"Open for {row.AgeDays:F0} days",
        "days_in_stage" => $"{row.DaysInStage:F0} days in its current stage",
        "activities" => row.Activities == 1 ? "1 activity logged" : $"{row.Activities} activities logged",
        "has_contact" => row.Deal.ContactId is null ? "No contact person" : "Has a contact person",
        "has_company" => row.Deal.CompanyId is null ? "No company" : "Has a company",
        _ => feature,
    };
}
