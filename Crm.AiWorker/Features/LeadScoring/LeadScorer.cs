using System.Text.Json;
using Crm.AiWorker.Features.LeadScoring.Learning;
using Crm.AiWorker.Features.Models;
using Crm.AiWorker.Features.Providers;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Leads;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.LeadScoring;

/// <summary>A lead's score (0–100), how sure it is (0–1), and why, strongest reasons first.</summary>
public sealed record LeadScore(int Score, double Confidence, IReadOnlyList<PredictionFactor> Factors, string Model, Guid? ModelId);

/// <summary>The deployed model of a workspace, loaded: its row and what predicts.</summary>
public sealed record DeployedLeadModel(AiModel Row, FeatureSet Features, IClassifierModel Model, double Auc);

/// <summary>
/// Scores leads and keeps the results (DESIGN.md section 9): with the workspace's deployed model once it has one, else
/// with the cold-start score. Each score is written to ai_predictions (the current one, with its factors), to the
/// lead's score column, and, when it changed, to lead_score_history with its reason and factors.
/// </summary>
public static class LeadScorer
{
    public const string RulesModelName = "rules";

    /// <summary>How many factors of each sign a score shows.</summary>
    private const int FactorsPerSign = 3;

    /// <summary>seed 001's engagement weights: opens×1 + clicks×3 + meetings×10 + replies×5.</summary>
    private const double MeetingPoints = 10, ReplyPoints = 5;

    /// <summary>The cold-start score: the workspace's rules (seed 003) plus seed 001's engagement formula with time decay.</summary>
    /// <remarks>
    /// Email opens and clicks count nothing yet: the CRM does not track them (no email tracking events exist). The
    /// confidence is low by design (0.2, plus 0.05 per matched rule or engaged event, at most 0.5): rules someone wrote
    /// are a guess until outcomes confirm them.
    /// </remarks>
    public static LeadScore ColdStart(LeadRow row, IReadOnlyList<LeadScoringRule> rules)
    {
        var factors = new List<PredictionFactor>();
        foreach (var rule in rules.Where(r => r.IsActive && r.DeletedAt == null).OrderBy(r => r.SortOrder).ThenBy(r => r.Id))
        {
            if (ScoringRuleMatcher.Matches(rule, row.Lead))
            {
                factors.Add(new PredictionFactor("rule:" + rule.Id, rule.Name, rule.Points));
            }
        }
        var engagement = row.Engagement;
        if (engagement.DecayedMeetings > 0)
        {
            factors.Add(new PredictionFactor("meetings", LeadFeatures.Describe("meetings", row), Math.Round(engagement.DecayedMeetings * MeetingPoints, 1)));
        }
        if (engagement.DecayedReplies > 0)
        {
            factors.Add(new PredictionFactor("replies", LeadFeatures.Describe("replies", row), Math.Round(engagement.DecayedReplies * ReplyPoints, 1)));
        }
        var score = (int)Math.Clamp(Math.Round(factors.Sum(f => f.Points)), 0, 100);
        var confidence = Math.Min(0.5, 0.2 + 0.05 * (factors.Count + engagement.Meetings + engagement.Replies));
        return new LeadScore(score, confidence, Strongest(factors), RulesModelName, null);
    }

    /// <summary>
    /// The learned score: the model's conversion probability × 100. Each factor is the points its feature group moves
    /// the score from the average lead: 100·(σ(z) − σ(z − c)), c the group's share of the log-odds z. Confidence
    /// is how far the probability is from a coin toss, scaled by how well the model ranks held-out leads (its AUC:
    /// a model no better than chance earns no confidence).
    /// </summary>
    public static LeadScore Learned(LeadRow row, DeployedLeadModel deployed)
    {
        var x = LeadFeatures.Vector(deployed.Features, row);
        var probability = deployed.Model.PredictProbability(x);
        var z = Math.Log(Math.Clamp(probability, 1e-9, 1 - 1e-9) / (1 - Math.Clamp(probability, 1e-9, 1 - 1e-9)));
        var factors = deployed.Model.Explain(x)
            .GroupBy(c => LeadFeatures.GroupOf(c.Feature))
            .Select(g => (Group: g.Key, Contribution: g.Sum(c => c.Contribution)))
            .Select(g => new PredictionFactor(g.Group, LeadFeatures.Describe(g.Group, row),
                Math.Round(100 * (Sigmoid(z) - Sigmoid(z - g.Contribution)), 1)))
            .Where(f => Math.Abs(f.Points) >= 0.5)
            .ToList();
        var quality = Math.Clamp((deployed.Auc - 0.5) * 2, 0, 1);
        var confidence = Math.Round((0.5 + Math.Abs(probability - 0.5)) * quality, 4);
        return new LeadScore((int)Math.Round(100 * probability), confidence, Strongest(factors), deployed.Row.DisplayName, deployed.Row.Id);
    }

    /// <summary>The workspace's deployed lead scoring model, or null (cold start).</summary>
    public static async Task<DeployedLeadModel?> DeployedAsync(CrmDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.AiModels.AsNoTracking()
            .FirstOrDefaultAsync(m => m.ModelType == AiModelType.LeadScoring && m.Status == AiModelStatus.Deployed, cancellationToken);
        if (row is null)
        {
            return null;
        }
        return new DeployedLeadModel(row, new FeatureSet(JsonSerializer.Deserialize<string[]>(row.Features)!), ModelJson.Deserialize(row.Parameters),
            AiModelRegistry.AucOf(row));
    }

    /// <summary>
    /// Scores the open leads of <paramref name="ids"/> (all of the workspace's when null) and keeps the scores; returns
    /// how many it scored. The caller's context acts in the workspace's session; this saves its changes. <paramref name="run"/>,
    /// when given, gets the model that scored (for the ai_tasks row).
    /// </summary>
    public static async Task<int> ScoreAsync(
        CrmDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken cancellationToken, AiTaskRun? run = null)
    {
        var deployed = await DeployedAsync(db, cancellationToken);
        if (run is not null)
        {
            run.ModelProvider = AiModelInfo.Local;
            run.ModelName = deployed?.Row.DisplayName ?? RulesModelName;
        }
        var rows = (await LeadFeatures.LoadAsync(db, ids, now, cancellationToken)).Where(r => r.IsOpen).ToList();
        if (rows.Count == 0)
        {
            return 0;
        }
        var rules = deployed is null ? await db.LeadScoringRules.AsNoTracking().ToListAsync(cancellationToken) : [];
        var leadIds = rows.Select(r => r.Lead.Id).ToArray();
        var predictions = await db.AiPredictions
            .Where(p => p.EntityType == "lead" && p.PredictionType == PredictionType.LeadScore && leadIds.Contains(p.EntityId))
            .ToDictionaryAsync(p => p.EntityId, cancellationToken);
        var leads = await db.Leads.Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);

        foreach (var row in rows)
        {
            var score = deployed is null ? ColdStart(row, rules) : Learned(row, deployed);
            Keep(db, leads[row.Lead.Id], predictions.GetValueOrDefault(row.Lead.Id), score, deployed, row, now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return rows.Count;
    }

    private static void Keep(CrmDbContext db, Lead lead, AiPrediction? prediction, LeadScore score, DeployedLeadModel? deployed, LeadRow row, DateTimeOffset now)
    {
        var factors = JsonSerializer.Serialize(score.Factors, JsonSerializerOptions.Web);
        if (prediction is null)
        {
            prediction = new AiPrediction { Model = score.Model, EntityType = "lead", EntityId = lead.Id, PredictionType = PredictionType.LeadScore };
            db.AiPredictions.Add(prediction);
        }
        prediction.ModelId = score.ModelId;
        prediction.Model = score.Model;
        prediction.Score = score.Score;
        prediction.Confidence = (decimal)Math.Round(score.Confidence, 4);
        prediction.Factors = factors;
        prediction.Value = JsonSerializer.Serialize(new { probability = score.Score / 100.0 }, JsonSerializerOptions.Web);
        prediction.Features = deployed is null
            ? JsonSerializer.Serialize(row.Engagement, JsonSerializerOptions.Web)
            : JsonSerializer.Serialize(deployed.Features.Names.Zip(LeadFeatures.Vector(deployed.Features, row)).ToDictionary(p => p.First, p => p.Second));
        prediction.PredictedAt = now;

        if (lead.Score != score.Score)
        {
            db.LeadScoreHistory.Add(new LeadScoreChange
            {
                LeadId = lead.Id,
                OldScore = lead.Score,
                NewScore = score.Score,
                Reason = deployed is null ? ScoreChangeReason.Rules : ScoreChangeReason.Model,
                Factors = factors,
                Model = deployed?.Row.DisplayName,
                ChangedAt = now,
            });
            lead.Score = score.Score;
            lead.ScoreUpdatedAt = now;
        }
    }

    private static List<PredictionFactor> Strongest(List<PredictionFactor> factors) =>
    [
        .. factors.Where(f => f.Points > 0).OrderByDescending(f => f.Points).Take(FactorsPerSign),
        .. factors.Where(f => f.Points < 0).OrderBy(f => f.Points).Take(FactorsPerSign),
    ];

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
