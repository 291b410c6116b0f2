namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>How well predicted probabilities fit held-out labels.</summary>
/// <param name="Auc">The probability that a random positive scores above a random negative (0.5: no better than chance).</param>
/// <param name="LogLoss">Mean negative log-likelihood; lower is better, and it punishes confident mistakes hard.</param>
/// <param name="Brier">Mean squared error of the probabilities.</param>
/// <param name="ExpectedCalibrationError">Σ over bins of (share of rows) · |mean predicted − observed rate|.</param>
/// <param name="Calibration">The reliability diagram's bins.</param>
/// <param name="Positives">Positive rows evaluated.</param>
/// <param name="Negatives">Negative rows evaluated.</param>
public sealed record ClassifierEvaluation(
    double Auc, double LogLoss, double Brier, double ExpectedCalibrationError,
    IReadOnlyList<CalibrationBin> Calibration, int Positives, int Negatives);

/// <summary>
/// One bin [Lower, Upper) of predicted probabilities (the last includes 1): how many rows fell in, their mean
/// prediction and the share that was positive. Both means are 0 for an empty bin (Count 0).
/// </summary>
public sealed record CalibrationBin(double Lower, double Upper, int Count, double MeanPredicted, double ObservedRate);

/// <summary>A reliability diagram and its expected calibration error.</summary>
public sealed record CalibrationCurve(IReadOnlyList<CalibrationBin> Bins, double ExpectedCalibrationError);

/// <summary>Metrics of a binary classifier's probabilities against true labels.</summary>
public static class ClassifierMetrics
{
    /// <summary>Predictions are clipped to [ε, 1 − ε] so that one confident mistake costs 34.5 rather than infinity.</summary>
    public const double LogLossEpsilon = 1e-15;

    public static ClassifierEvaluation Evaluate(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int bins = 10)
    {
        var calibration = Calibration(scores, labels, bins);
        var positives = Count(labels);
        return new ClassifierEvaluation(
            Auc(scores, labels), LogLoss(scores, labels), Brier(scores, labels),
            calibration.ExpectedCalibrationError, calibration.Bins, positives, labels.Length - positives);
    }

    /// <summary>
    /// Area under the ROC curve by ranks (Mann–Whitney U): (rank sum of the positives − P(P+1)/2) / (P·N), where tied
    /// scores share their average rank, so a tie between a positive and a negative counts one half.
    /// </summary>
    /// <exception cref="ArgumentException">Unless both classes occur: AUC is undefined then.</exception>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        Check(scores, labels);
        var positives = Count(labels);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException("AUC needs at least one positive and one negative label.", nameof(labels));
        }

        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        var positiveRankSum = 0.0;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start])
            {
                end++;
            }
            // Ranks start+1 .. end (1-based) are shared by the tie group.
            var averageRank = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++)
            {
                if (labels[order[k]])
                {
                    positiveRankSum += averageRank;
                }
            }
            start = end;
        }
        return (positiveRankSum - positives * (positives + 1.0) / 2) / ((double)positives * negatives);
    }

    public static double LogLoss(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        Check(scores, labels);
        var sum = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            var p = Math.Clamp(scores[i], LogLossEpsilon, 1 - LogLossEpsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / scores.Length;
    }

    public static double Brier(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        Check(scores, labels);
        var sum = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            var error = scores[i] - (labels[i] ? 1 : 0);
            sum += error * error;
        }
        return sum / scores.Length;
    }

    /// <summary>Equal-width bins over [0, 1]; every bin is reported, empty ones too, so diagrams line up across models.</summary>
    public static CalibrationCurve Calibration(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels, int bins = 10)
    {
        Check(scores, labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var counts = new int[bins];
        var predicted = new double[bins];
        var observed = new double[bins];
        for (var i = 0; i < scores.Length; i++)
        {
            var bin = Math.Clamp((int)Math.Floor(scores[i] * bins), 0, bins - 1);
            counts[bin]++;
            predicted[bin] += scores[i];
            observed[bin] += labels[i] ? 1 : 0;
        }

        var result = new CalibrationBin[bins];
        var error = 0.0;
        for (var b = 0; b < bins; b++)
        {
            var meanPredicted = counts[b] == 0 ? 0 : predicted[b] / counts[b];
            var observedRate = counts[b] == 0 ? 0 : observed[b] / counts[b];
            result[b] = new CalibrationBin((double)b / bins, (b + 1.0) / bins, counts[b], meanPredicted, observedRate);
            error += (double)counts[b] / scores.Length * Math.Abs(meanPredicted - observedRate);
        }
        return new CalibrationCurve(result, error);
    }

    private static int Count(ReadOnlySpan<bool> labels)
    {
        var count = 0;
        foreach (var label in labels)
        {
            count += label ? 1 : 0;
        }
        return count;
    }

    private static void Check(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        }
        if (scores.IsEmpty)
        {
            throw new ArgumentException("There is nothing to evaluate.", nameof(scores));
        }
        foreach (var score in scores)
        {
            if (!(score is >= 0 and <= 1))
            {
                throw new ArgumentException("Scores must be probabilities in [0, 1].", nameof(scores));
            }
        }
    }
}
