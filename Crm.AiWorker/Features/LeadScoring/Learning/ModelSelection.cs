using System.Diagnostics;

namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>One trained candidate and how it did on the held-out rows.</summary>
/// <param name="Name">The model's kind, as stored in its JSON.</param>
/// <param name="Model">The model, trained on the training rows only.</param>
/// <param name="Evaluation">Its metrics on the test rows.</param>
/// <param name="TrainingTime">Wall-clock time of the training, for the worker's log.</param>
public sealed record CandidateResult(string Name, IClassifierModel Model, ClassifierEvaluation Evaluation, TimeSpan TrainingTime);

/// <summary>The candidates' results and the winner.</summary>
/// <param name="Winner">The candidate with the higher held-out AUC (log loss breaks a tie).</param>
/// <param name="LogisticRegression">The logistic regression's result.</param>
/// <param name="GradientBoostedTrees">The boosted trees' result.</param>
public sealed record ModelSelectionResult(
    CandidateResult Winner, CandidateResult LogisticRegression, CandidateResult GradientBoostedTrees);

/// <summary>
/// Trains both candidates on a split's training rows and picks the one that ranks the held-out rows better. AUC
/// decides because a lead score is used to rank leads; an exact tie (likely only on tiny test sets) goes to the lower
/// log loss, and a tie on both to the logistic regression, which is the simpler and the easier to explain.
/// </summary>
public static class ModelSelection
{
    public static ModelSelectionResult Select(
        double[][] rows,
        bool[] labels,
        string[] featureNames,
        HoldoutSplit split,
        LogisticRegressionOptions? logisticRegression = null,
        GradientBoostedTreesOptions? gradientBoostedTrees = null)
    {
        ArgumentNullException.ThrowIfNull(split);
        var trainRows = split.Train.Select(i => rows[i]).ToArray();
        var trainLabels = split.Train.Select(i => labels[i]).ToArray();
        var testRows = split.Test.Select(i => rows[i]).ToArray();
        var testLabels = split.Test.Select(i => labels[i]).ToArray();

        var regression = Run(LogisticRegressionModel.Kind, testRows, testLabels,
            () => LogisticRegression.Train(trainRows, trainLabels, featureNames, logisticRegression));
        var trees = Run(GradientBoostedTreesModel.Kind, testRows, testLabels,
            () => GradientBoostedTrees.Train(trainRows, trainLabels, featureNames, gradientBoostedTrees));

        return new ModelSelectionResult(Better(regression, trees), regression, trees);
    }

    /// <summary>The better of two evaluated candidates; <paramref name="first"/> on a complete tie.</summary>
    public static CandidateResult Better(CandidateResult first, CandidateResult second)
    {
        var (a, b) = (first.Evaluation, second.Evaluation);
        if (a.Auc != b.Auc)
        {
            return a.Auc > b.Auc ? first : second;
        }
        return b.LogLoss < a.LogLoss ? second : first;
    }

    private static CandidateResult Run(string name, double[][] testRows, bool[] testLabels, Func<IClassifierModel> train)
    {
        var stopwatch = Stopwatch.StartNew();
        var model = train();
        var elapsed = stopwatch.Elapsed;
        var scores = testRows.Select(row => model.PredictProbability(row)).ToArray();
        return new CandidateResult(name, model, ClassifierMetrics.Evaluate(scores, testLabels), elapsed);
    }
}
