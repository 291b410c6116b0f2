using Crm.AiWorker.Features.LeadScoring.Learning;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>Inputs a workspace will produce sooner or later: constant columns, separable data, one class, bad rows.</summary>
public sealed class LearningEdgeCaseTests
{
    private static readonly string[] Names = ["visits", "is_enterprise"];

    [Fact]
    public void A_constant_feature_gets_std_1_and_weight_0()
    {
        double[][] rows = [[0, 1], [1, 1], [2, 1], [3, 1], [4, 1], [5, 1]];
        bool[] labels = [false, false, true, false, true, true];

        var model = LogisticRegression.Train(rows, labels, Names);

        Assert.Equal(1.0, model.StandardDeviations[1]);
        Assert.Equal(0.0, model.Weights[1]);
        Assert.True(model.Weights[0] > 0);
    }

    [Fact]
    public void Perfectly_separable_data_still_gives_finite_weights_thanks_to_the_penalty()
    {
        double[][] rows = [.. Enumerable.Range(0, 40).Select(i => new double[] { i, i % 3 })];
        bool[] labels = [.. Enumerable.Range(0, 40).Select(i => i >= 20)];

        var model = LogisticRegression.Train(rows, labels, Names);
        var unregularised = LogisticRegression.Train(rows, labels, Names, new LogisticRegressionOptions(Lambda: 0.01));

        Assert.True(double.IsFinite(model.Weights[0]) && double.IsFinite(model.Bias));
        Assert.True(model.Weights[0] < unregularised.Weights[0], "a weaker penalty lets the weight grow");
        var scores = rows.Select(row => model.PredictProbability(row)).ToArray();
        Assert.Equal(1.0, ClassifierMetrics.Auc(scores, labels));
    }

    [Fact]
    public void The_trees_split_where_the_classes_part()
    {
        double[][] rows = [.. Enumerable.Range(0, 200).Select(i => new double[] { i, 7 })];
        bool[] labels = [.. Enumerable.Range(0, 200).Select(i => i >= 120)];

        var model = GradientBoostedTrees.Train(rows, labels, Names);

        Assert.True(model.PredictProbability([150, 7]) > 0.9);
        Assert.True(model.PredictProbability([50, 7]) < 0.1);
        Assert.All(model.Trees, tree => Assert.All(tree.Nodes, node => Assert.NotEqual(1, node.Feature)));
        Assert.Equal(0.0, model.Explain([150, 7]).Single(f => f.Feature == "is_enterprise").Contribution);
    }

    [Fact]
    public void Training_without_both_classes_or_with_broken_rows_is_refused()
    {
        double[][] rows = [[1, 0], [2, 0]];

        Assert.Throws<ArgumentException>(() => LogisticRegression.Train(rows, [true, true], Names));
        Assert.Throws<ArgumentException>(() => GradientBoostedTrees.Train(rows, [false, false], Names));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Train([[1, double.NaN], [2, 0]], [true, false], Names));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Train([[1], [2, 0]], [true, false], Names));
    }

    [Fact]
    public void A_row_of_the_wrong_width_is_refused_at_prediction()
    {
        var model = LogisticRegression.Train([[0, 1], [1, 0], [2, 1], [3, 0]], [false, true, false, true], Names);

        Assert.Throws<ArgumentException>(() => model.PredictProbability([1.0]));
    }

    [Fact]
    public void A_tie_on_auc_goes_to_the_lower_log_loss_and_a_complete_tie_to_the_first()
    {
        var a = Candidate("a", auc: 0.8, logLoss: 0.40);
        var b = Candidate("b", auc: 0.8, logLoss: 0.35);
        var c = Candidate("c", auc: 0.81, logLoss: 0.90);

        Assert.Same(b, ModelSelection.Better(a, b));
        Assert.Same(c, ModelSelection.Better(b, c));
        Assert.Same(a, ModelSelection.Better(a, a with { Name = "a2" }));
    }

    private static CandidateResult Candidate(string name, double auc, double logLoss)
    {
        var model = LogisticRegression.Train([[0, 1], [1, 0], [2, 1], [3, 0]], [false, true, false, true], Names);
        return new CandidateResult(name, model, new ClassifierEvaluation(auc, logLoss, 0.1, 0.01, [], 1, 1), TimeSpan.Zero);
    }
}
