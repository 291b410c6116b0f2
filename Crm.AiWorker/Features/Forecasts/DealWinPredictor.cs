using System.Globalization;
using System.Text.Json;
using Crm.AiWorker.Features.LeadScoring.Learning;
using Crm.AiWorker.Features.Models;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Forecasts;

/// <summary>What a prediction run did: how many open deals it predicted, with which model, and why that one.</summary>
public sealed record DealWinOutcome(int Predicted, string Model, Guid? ModelId, double? Auc, string Reason);

/// <summary>
/// Predicts each open deal's chance of being won and its close date, into ai_predictions (prediction_type deal_win).
/// </summary>
/// <remarks>
/// <para>The win probability is learned from the workspace's own won and lost deals by logistic regression
/// (<see cref="DealWinFeatures"/>) once there are <see cref="MinClosed"/> of them with <see cref="MinPerClass"/> of each:
/// a quarter is held out, and with fewer than ~10 of a kind there its AUC is mostly luck. The model is trained again
/// when there is none, when the closed deals grew by a tenth, or when it is a week old, and is used only if its
/// held-out AUC reaches <see cref="MinAuc"/>. Otherwise the deal's own probability (its stage's default unless the rep
/// changed it) is the answer, and the factors say so. Abandoned deals are neither won nor lost and are left out.</para>
/// <para>The predicted close date is the day the deal entered its current stage plus the median number of days won
/// deals took from entering that stage to being won (when <see cref="MinSamples"/> won deals passed through it); else
/// its creation date plus the median cycle (creation to won) of won deals; else its expected close date. A date in
/// the past becomes today: the deal is late, but it has not closed yet.</para>
/// </remarks>
public static class DealWinPredictor
{
    public const int MinClosed = 50;
    public const int MinPerClass = 10;
    public const int MinSamples = 3;
    public const double TestFraction = 0.25;

    /// <summary>A model ranking held-out deals barely better than a coin toss is not worth its confidence.</summary>
    public const double MinAuc = 0.55;

    public const string FallbackModelName = "deal_probability";

    public static readonly TimeSpan MaxModelAge = TimeSpan.FromDays(7);

    private const int Seed = 20_260_101;
    private const int MaxFactors = 6;
    private const double FallbackConfidence = 0.2;

    private sealed record Deployed(AiModel Row, IClassifierModel Model, double Auc);

    public static async Task<DealWinOutcome> PredictAsync(CrmDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await DealWinFeatures.LoadAsync(db, now, cancellationToken);
        var closed = rows.Where(r => r.Outcome is not null).ToList();
        var won = closed.Count(r => r.Outcome == true);
        var lost = closed.Count - won;
        string reason;
        Deployed? deployed;
        if (closed.Count < MinClosed || won < MinPerClass || lost < MinPerClass)
        {
            deployed = null;
            reason = $"Not enough closed deals to learn from yet: {won} won and {lost} lost (needs {MinClosed} with {MinPerClass} of each).";
        }
        else
        {
            (deployed, reason) = await TrainIfDueAsync(db, closed, now, cancellationToken);
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var closeDates = CloseDates.From(rows, await WonStageEntriesAsync(db, rows, cancellationToken));
        var open = rows.Where(r => r.Deal.Status == DealStatus.Open).ToList();
        var existing = await db.AiPredictions
            .Where(p => p.EntityType == "deal" && p.PredictionType == PredictionType.DealWin)
            .ToDictionaryAsync(p => p.EntityId, cancellationToken);
        foreach (var row in open)
        {
            var (probability, confidence, factors) = deployed is null ? Fallback(row, reason) : Learned(row, deployed);
            var (closeDate, basis) = closeDates.Predict(row, today);
            if (!existing.Remove(row.Deal.Id, out var prediction))
            {
                prediction = new AiPrediction { Model = "", EntityType = "deal", EntityId = row.Deal.Id, PredictionType = PredictionType.DealWin };
                db.AiPredictions.Add(prediction);
            }
            prediction.Model = deployed?.Row.DisplayName ?? FallbackModelName;
            prediction.ModelId = deployed?.Row.Id;
            prediction.Score = Math.Round((decimal)probability, 4);
            prediction.Confidence = Math.Round((decimal)confidence, 4);
            prediction.Value = JsonSerializer.Serialize(new
            {
                probability = Math.Round(probability, 4),
                predictedCloseDate = closeDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                closeDateBasis = basis,
                source = deployed is null ? "deal_probability" : "model",
            }, JsonSerializerOptions.Web);
            prediction.Factors = JsonSerializer.Serialize(factors, JsonSerializerOptions.Web);
            var vector = DealWinFeatures.Vector(row);
            prediction.Features = JsonSerializer.Serialize(
                DealWinFeatures.Names.Select((name, i) => (name, vector[i])).ToDictionary(f => f.name, f => Math.Round(f.Item2, 4)), JsonSerializerOptions.Web);
            prediction.PredictedAt = now;
        }
        // Deals that closed, were abandoned or deleted have no open chance left to predict.
        db.AiPredictions.RemoveRange(existing.Values);
        await db.SaveChangesAsync(cancellationToken);
        return new DealWinOutcome(open.Count, deployed?.Row.DisplayName ?? FallbackModelName, deployed?.Row.Id, deployed?.Auc, reason);
    }

    /// <summary>
    /// The learned probability; each factor is the percentage points its feature moves the probability from the average
    /// closed deal's: 100·(σ(z) − σ(z − c)), c its share of the log-odds z. Confidence is how far the probability is
    /// from a coin toss, scaled by how well the model ranks held-out deals (an AUC of 0.5 earns none).
    /// </summary>
    private static (double Probability, double Confidence, List<PredictionFactor> Factors) Learned(DealRow row, Deployed deployed)
    {
        var x = DealWinFeatures.Vector(row);
        var probability = deployed.Model.PredictProbability(x);
        var z = LogOdds.Logit(Math.Clamp(probability, 1e-9, 1 - 1e-9));
        var factors = deployed.Model.Explain(x)
            .Select(c => new PredictionFactor(c.Feature, DealWinFeatures.Describe(c.Feature, row),
                Math.Round(100 * (LogOdds.Sigmoid(z) - LogOdds.Sigmoid(z - c.Contribution)), 1)))
            .Where(f => Math.Abs(f.Points) >= 0.5)
            .OrderByDescending(f => Math.Abs(f.Points))
            .Take(MaxFactors)
            .ToList();
        var quality = Math.Clamp((deployed.Auc - 0.5) * 2, 0, 1);
        return (probability, (0.5 + Math.Abs(probability - 0.5)) * quality, factors);
    }

    /// <summary>The deal's own probability, with a low fixed confidence: it is a guess the outcomes have not checked.</summary>
    private static (double Probability, double Confidence, List<PredictionFactor> Factors) Fallback(DealRow row, string reason)
    {
        var stage = row.Stage is { } s ? $" (stage {s.Name} starts deals at {s.DefaultProbability}%)" : "";
        return (row.Deal.Probability / 100.0, FallbackConfidence,
        [
            new PredictionFactor("deal_probability", $"The deal's own probability of {row.Deal.Probability}%{stage}", row.Deal.Probability),
            new PredictionFactor("no_model", reason + " The deal's probability is used instead.", 0),
        ]);
    }

    private static async Task<(Deployed? Deployed, string Reason)> TrainIfDueAsync(
        CrmDbContext db, List<DealRow> closed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await db.AiModels.AsNoTracking()
            .Where(m => m.ModelType == AiModelType.DealWin && m.Status == AiModelStatus.Deployed)
            .FirstOrDefaultAsync(cancellationToken);
        var last = await db.AiModels.AsNoTracking()
            .Where(m => m.ModelType == AiModelType.DealWin && m.Status != AiModelStatus.Failed)
            .OrderByDescending(m => m.Version).FirstOrDefaultAsync(cancellationToken);
        var due = last is null || closed.Count >= last.TrainingRows * 1.1 || now - (last.TrainedAt ?? last.CreatedAt) > MaxModelAge;
        if (!due)
        {
            return current is null
                ? (null, $"The last model ({last!.DisplayName}) was not good enough: {last.Notes}")
                : (Load(current), $"Deployed model {current.DisplayName}.");
        }

        var x = closed.Select(DealWinFeatures.Vector).ToArray();
        var y = closed.Select(r => r.Outcome == true).ToArray();
        var split = HoldoutSplit.Stratified(y, TestFraction, Seed);
        var model = LogisticRegression.Train(split.Train.Select(i => x[i]).ToArray(), split.Train.Select(i => y[i]).ToArray(), DealWinFeatures.Names);
        var testScores = split.Test.Select(i => model.PredictProbability(x[i])).ToArray();
        var testLabels = split.Test.Select(i => y[i]).ToArray();
        var evaluation = ClassifierMetrics.Evaluate(testScores, testLabels);
        var deploy = evaluation.Auc >= MinAuc;
        var notes = deploy
            ? $"Held-out AUC {evaluation.Auc:F3} reaches {MinAuc}."
            : $"Held-out AUC {evaluation.Auc:F3} is below {MinAuc}: no better than the deals' own probabilities.";
        var version = await AiModelRegistry.NextVersionAsync(db, AiModelType.DealWin, cancellationToken);
        var row = new AiModel
        {
            ModelType = AiModelType.DealWin,
            Version = version,
            Algorithm = AiAlgorithm.LogisticRegression,
            Status = deploy ? AiModelStatus.Deployed : AiModelStatus.Rejected,
            Features = JsonSerializer.Serialize(DealWinFeatures.Names),
            Hyperparameters = JsonSerializer.Serialize(new { testFraction = TestFraction, seed = Seed }),
            Parameters = ModelJson.Serialize(model),
            Metrics = JsonSerializer.Serialize(new
            {
                auc = evaluation.Auc,
                logLoss = evaluation.LogLoss,
                brier = evaluation.Brier,
                expectedCalibrationError = evaluation.ExpectedCalibrationError,
                won = y.Count(v => v),
                lost = y.Count(v => !v),
                trainRows = split.Train.Length,
                testRows = split.Test.Length,
            }, JsonSerializerOptions.Web),
            TrainingRows = closed.Count,
            Notes = notes,
            TrainedAt = now,
            DeployedAt = deploy ? now : null,
            CreatedAt = now,
        };
        await AiModelRegistry.AddAsync(db, row, current?.Id, now, cancellationToken);
        if (deploy)
        {
            return (new Deployed(row, model, evaluation.Auc), notes);
        }
        return current is null ? (null, notes) : (Load(current), $"Deployed model {current.DisplayName} kept: the new one's {notes}");
    }

    private static Deployed Load(AiModel row) => new(row, ModelJson.Deserialize(row.Parameters), AiModelRegistry.AucOf(row));

    private static async Task<ILookup<Guid, (Guid StageId, DateTimeOffset At)>> WonStageEntriesAsync(
        CrmDbContext db, IReadOnlyList<DealRow> rows, CancellationToken cancellationToken)
    {
        var wonIds = rows.Where(r => r.Outcome == true).Select(r => r.Deal.Id).ToArray();
        var entries = await db.DealStageHistory.AsNoTracking()
            .Where(h => wonIds.Contains(h.DealId))
            .Select(h => new { h.DealId, h.ToStageId, h.ChangedAt })
            .ToListAsync(cancellationToken);
        return entries.ToLookup(e => e.DealId, e => (e.ToStageId, e.ChangedAt));
    }

    /// <summary>The medians the close dates come from: days from entering each stage to won, and creation to won.</summary>
    private sealed record CloseDates(IReadOnlyDictionary<Guid, double> DaysFromStage, double? CycleDays)
    {
        public static CloseDates From(IReadOnlyList<DealRow> rows, ILookup<Guid, (Guid StageId, DateTimeOffset At)> entries)
        {
            var wonRows = rows.Where(r => r.WonOn is not null).ToList();
            var fromStage = wonRows
                .SelectMany(r => entries[r.Deal.Id].Select(e => (e.StageId, Days: DaysBetween(e.At, r.WonOn!.Value))))
                .GroupBy(e => e.StageId)
                .Where(g => g.Count() >= MinSamples)
                .ToDictionary(g => g.Key, g => Median([.. g.Select(e => e.Days)]));
            var cycles = wonRows.Select(r => DaysBetween(r.Deal.CreatedAt, r.WonOn!.Value)).ToArray();
            return new CloseDates(fromStage, cycles.Length >= MinSamples ? Median(cycles) : null);
        }

        public (DateOnly? Date, string? Basis) Predict(DealRow row, DateOnly today)
        {
            var deal = row.Deal;
            var (date, basis) = DaysFromStage.TryGetValue(deal.StageId, out var fromStage)
                ? (DateOnly.FromDateTime(deal.StageEnteredAt.UtcDateTime).AddDays((int)Math.Round(fromStage)), "stage_median")
                : CycleDays is { } cycle
                    ? (DateOnly.FromDateTime(deal.CreatedAt.UtcDateTime).AddDays((int)Math.Round(cycle)), "cycle_median")
                    : (deal.ExpectedCloseDate, deal.ExpectedCloseDate is null ? null : "expected_close_date");
            return date is { } d ? (d < today ? today : d, basis) : (null, null);
        }

        private static double DaysBetween(DateTimeOffset from, DateOnly to) =>
            Math.Max(0, to.DayNumber - DateOnly.FromDateTime(from.UtcDateTime).DayNumber);

        private static double Median(double[] values)
        {
            Array.Sort(values);
            var middle = values.Length / 2;
            return values.Length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        }
    }
}
