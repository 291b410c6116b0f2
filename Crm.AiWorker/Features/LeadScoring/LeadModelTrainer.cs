using System.Text.Json;
using Crm.AiWorker.Features.LeadScoring.Learning;
using Crm.AiWorker.Features.Models;
using Crm.Domain;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.LeadScoring;

/// <summary>What a training run decided, with the held-out AUCs it compared.</summary>
public sealed record TrainingOutcome(AiModel? Model, bool Deployed, string Reason, double? CandidateAuc, double RulesAuc, double? CurrentAuc);

/// <summary>
/// Trains a workspace's lead scoring model on its converted (positive) and lost (negative) leads, and deploys it only if
/// it ranks held-out leads better than what scores them now: the deployed model, or the cold-start rules.
/// </summary>
/// <remarks>
/// Enough outcomes means at least <see cref="MinOutcomes"/> closed leads with <see cref="MinPerClass"/> of each kind:
/// a quarter is held out, and with fewer than about 10 positives there the AUC moves by ±0.1 from one split to
/// the next, too much to tell a better model from a lucky one. Logistic regression and gradient-boosted trees are
/// both trained; the better on held-out AUC (log loss breaks ties) is the candidate. Its metrics (AUC, log loss,
/// Brier score, calibration by decile) are stored with it in ai_models.
/// </remarks>
public static class LeadModelTrainer
{
    public const int MinOutcomes = 200;
    public const int MinPerClass = 20;
    public const double TestFraction = 0.25;

    /// <summary>A candidate must beat the current scorer's held-out AUC by this much: a tie is not worth a change.</summary>
    public const double RequiredGain = 0.01;

    private const int Seed = 20_251_207;

    public static async Task<TrainingOutcome> TrainAsync(CrmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await LeadFeatures.LoadAsync(db, null, now, cancellationToken);
        var closed = rows.Where(r => r.Outcome is not null).ToList();
        var positives = closed.Count(r => r.Outcome == true);
        if (closed.Count < MinOutcomes || positives < MinPerClass || closed.Count - positives < MinPerClass)
        {
            return new TrainingOutcome(null, false,
                $"Not enough outcomes yet: {positives} converted and {closed.Count - positives} lost leads (needs {MinOutcomes} with {MinPerClass} of each).",
                null, 0.5, null);
        }

        var features = LeadFeatures.FeatureSetFor(closed);
        var x = closed.Select(r => LeadFeatures.Vector(features, r)).ToArray();
        var y = closed.Select(r => r.Outcome == true).ToArray();
        var split = HoldoutSplit.Stratified(y, TestFraction, Seed);
        var selection = ModelSelection.Select(x, y, [.. features.Names], split);
        var winner = selection.Winner;
        var testLabels = split.Test.Select(i => y[i]).ToArray();

        var rules = await db.LeadScoringRules.AsNoTracking().ToListAsync(cancellationToken);
        // The cold-start score is 0–100; AUC takes probabilities (and only ranks them), so it is read as a percentage.
        var rulesAuc = ClassifierMetrics.Auc(split.Test.Select(i => LeadScorer.ColdStart(closed[i], rules).Score / 100.0).ToArray(), testLabels);
        var current = await LeadScorer.DeployedAsync(db, cancellationToken);
        double? currentAuc = current is null
            ? null
            : ClassifierMetrics.Auc(split.Test.Select(i => current.Model.PredictProbability(LeadFeatures.Vector(current.Features, closed[i]))).ToArray(), testLabels);
        var bar = currentAuc ?? rulesAuc;
        var deploy = winner.Evaluation.Auc >= bar + RequiredGain;
        var reason = deploy
            ? $"Held-out AUC {winner.Evaluation.Auc:F3} beats the {(current is null ? "rules'" : "deployed model's")} {bar:F3}."
            : $"Held-out AUC {winner.Evaluation.Auc:F3} does not beat the {(current is null ? "rules'" : "deployed model's")} {bar:F3} by {RequiredGain}.";

        var version = await AiModelRegistry.NextVersionAsync(db, AiModelType.LeadScoring, cancellationToken);
        var model = new AiModel
        {
            ModelType = AiModelType.LeadScoring,
            Version = version,
            Algorithm = winner.Model is GradientBoostedTreesModel ? AiAlgorithm.GradientBoosting : AiAlgorithm.LogisticRegression,
            Status = deploy ? AiModelStatus.Deployed : AiModelStatus.Rejected,
            Features = JsonSerializer.Serialize(features.Names),
            Hyperparameters = JsonSerializer.Serialize(new { testFraction = TestFraction, seed = Seed }),
            Parameters = ModelJson.Serialize(winner.Model),
            Metrics = JsonSerializer.Serialize(new
            {
                auc = winner.Evaluation.Auc,
                logLoss = winner.Evaluation.LogLoss,
                brier = winner.Evaluation.Brier,
                expectedCalibrationError = winner.Evaluation.ExpectedCalibrationError,
                calibration = winner.Evaluation.Calibration,
                positives = positives,
                negatives = closed.Count - positives,
                trainRows = split.Train.Length,
                testRows = split.Test.Length,
                rulesAuc,
                currentAuc,
                candidates = new[] { selection.LogisticRegression, selection.GradientBoostedTrees }.Select(c => new
                {
                    name = c.Name,
                    auc = c.Evaluation.Auc,
                    logLoss = c.Evaluation.LogLoss,
                    trainingMs = c.TrainingTime.TotalMilliseconds,
                }),
            }, JsonSerializerOptions.Web),
            TrainingRows = closed.Count,
            Notes = reason,
            TrainedAt = now,
            DeployedAt = deploy ? now : null,
            CreatedAt = now,
        };
        await AiModelRegistry.AddAsync(db, model, current?.Row.Id, now, cancellationToken);
        return new TrainingOutcome(model, deploy, reason, winner.Evaluation.Auc, rulesAuc, currentAuc);
    }
}
