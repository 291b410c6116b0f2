using Crm.AiWorker.Features.LeadScoring.Learning;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>The metrics on examples small enough to check by hand.</summary>
public sealed class ClassifierMetricsTests
{
    [Fact]
    public void Auc_is_1_for_a_perfect_ranking_0_for_a_reversed_one_and_one_half_when_all_scores_tie()
    {
        bool[] labels = [false, false, true, true];

        Assert.Equal(1.0, ClassifierMetrics.Auc([0.1, 0.2, 0.7, 0.9], labels));
        Assert.Equal(0.0, ClassifierMetrics.Auc([0.9, 0.7, 0.2, 0.1], labels));
        Assert.Equal(0.5, ClassifierMetrics.Auc([0.4, 0.4, 0.4, 0.4], labels));
    }

    [Fact]
    public void Auc_counts_the_pairs_ranked_right_and_a_tie_as_one_half()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats only 0.1, 0.8 beats both, so 3 of 4 pairs.
        Assert.Equal(0.75, ClassifierMetrics.Auc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);

        // Positives 0.5 and 0.9 against negatives 0.5 and 0.2: 0.5 ties 0.5 (½) and beats 0.2, 0.9 beats both: 3.5 of 4.
        Assert.Equal(0.875, ClassifierMetrics.Auc([0.5, 0.5, 0.2, 0.9], [true, false, false, true]), 12);
    }

    [Fact]
    public void Auc_is_refused_without_both_classes()
    {
        Assert.Throws<ArgumentException>(() => ClassifierMetrics.Auc([0.2, 0.8], [true, true]));
    }

    [Fact]
    public void Log_loss_is_the_mean_negative_log_likelihood_and_clips_certain_mistakes()
    {
        // −(ln 0.9 + ln 0.8) / 2
        Assert.Equal(0.164252033486018, ClassifierMetrics.LogLoss([0.9, 0.2], [true, false]), 12);

        // A certain mistake costs −ln(1e−15), not infinity.
        Assert.Equal(34.538776394910684, ClassifierMetrics.LogLoss([0.0], [true]), 9);
        // 1 − (1 − 1e−15) is not exactly 1e−15 in doubles, hence the range.
        Assert.InRange(ClassifierMetrics.LogLoss([1.0], [false]), 34.4, 34.7);
    }

    [Fact]
    public void Brier_is_the_mean_squared_error_of_the_probabilities()
    {
        // (0.1² + 0.2²) / 2
        Assert.Equal(0.025, ClassifierMetrics.Brier([0.9, 0.2], [true, false]), 12);
    }

    [Fact]
    public void Calibration_bins_rows_by_prediction_and_weighs_each_bins_gap_by_its_share()
    {
        double[] scores = [0.05, 0.15, 0.12, 0.95, 1.0];
        bool[] labels = [false, true, false, true, true];

        var curve = ClassifierMetrics.Calibration(scores, labels, bins: 10);

        Assert.Equal(10, curve.Bins.Count);
        Assert.Equal(new CalibrationBin(0.0, 0.1, 1, 0.05, 0.0), curve.Bins[0]);
        Assert.Equal(2, curve.Bins[1].Count);
        Assert.Equal(0.135, curve.Bins[1].MeanPredicted, 12);
        Assert.Equal(0.5, curve.Bins[1].ObservedRate);
        Assert.Equal(0, curve.Bins[5].Count);
        Assert.Equal(2, curve.Bins[9].Count); // 1.0 belongs to the last bin
        Assert.Equal(0.975, curve.Bins[9].MeanPredicted, 12);
        Assert.Equal(1.0, curve.Bins[9].ObservedRate);
        // 1/5 · 0.05 + 2/5 · 0.365 + 2/5 · 0.025
        Assert.Equal(0.166, curve.ExpectedCalibrationError, 12);
    }

    [Fact]
    public void Evaluate_gathers_the_metrics_and_counts_the_classes()
    {
        double[] scores = [0.1, 0.4, 0.35, 0.8, 0.7];
        bool[] labels = [false, false, true, true, false];

        var evaluation = ClassifierMetrics.Evaluate(scores, labels);

        Assert.Equal(ClassifierMetrics.Auc(scores, labels), evaluation.Auc);
        Assert.Equal(ClassifierMetrics.LogLoss(scores, labels), evaluation.LogLoss);
        Assert.Equal(ClassifierMetrics.Brier(scores, labels), evaluation.Brier);
        Assert.Equal((2, 3), (evaluation.Positives, evaluation.Negatives));
        Assert.Equal(5, evaluation.Calibration.Sum(bin => bin.Count));
    }

    [Fact]
    public void Scores_that_are_not_probabilities_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ClassifierMetrics.Brier([1.5], [true]));
        Assert.Throws<ArgumentException>(() => ClassifierMetrics.LogLoss([double.NaN], [true]));
        Assert.Throws<ArgumentException>(() => ClassifierMetrics.LogLoss([0.5, 0.5], [true]));
    }
}
