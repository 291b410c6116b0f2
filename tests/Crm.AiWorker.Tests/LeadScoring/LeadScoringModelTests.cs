using System.Text.Json.Nodes;
using Crm.AiWorker.Features.LeadScoring.Learning;
using Xunit.Abstractions;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// Both candidates on leads with a planted signal: they rank held-out leads well, ignore the noise feature, explain a
/// keen visitor's score by the visits, and come back from JSON predicting exactly as before.
/// </summary>
public sealed class LeadScoringModelTests(LeadScoringModelTests.Trained trained, ITestOutputHelper output)
    : IClassFixture<LeadScoringModelTests.Trained>
{
    private static readonly double[] KeenVisitor = [14, 0.3];

    /// <summary>Trains once for the whole class: 5,000 rows, 20% held out.</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Split = HoldoutSplit.Stratified(Data.Labels, 0.2, seed: 11);
            Selection = ModelSelection.Select(Data.Rows, Data.Labels, PlantedSignal.FeatureNames, Split);
        }

        public PlantedSignal Data { get; } = new();

        public HoldoutSplit Split { get; }

        public ModelSelectionResult Selection { get; }

        public LogisticRegressionModel Regression => (LogisticRegressionModel)Selection.LogisticRegression.Model;

        public GradientBoostedTreesModel Trees => (GradientBoostedTreesModel)Selection.GradientBoostedTrees.Model;

        public IEnumerable<double[]> TestRows => Split.Test.Select(i => Data.Rows[i]);
    }

    [Fact]
    public void Both_candidates_rank_held_out_leads_well_and_the_better_one_wins()
    {
        var selection = trained.Selection;
        foreach (var candidate in new[] { selection.LogisticRegression, selection.GradientBoostedTrees })
        {
            output.WriteLine($"{candidate.Name}: AUC {candidate.Evaluation.Auc:F4}, log loss {candidate.Evaluation.LogLoss:F4}, " +
                $"Brier {candidate.Evaluation.Brier:F4}, ECE {candidate.Evaluation.ExpectedCalibrationError:F4}, " +
                $"trained on {trained.Split.Train.Length} rows in {candidate.TrainingTime.TotalMilliseconds:F0} ms");
            Assert.True(candidate.Evaluation.Auc > 0.8, $"{candidate.Name}: AUC {candidate.Evaluation.Auc}");
            Assert.True(candidate.Evaluation.ExpectedCalibrationError < 0.05, $"{candidate.Name}: ECE {candidate.Evaluation.ExpectedCalibrationError}");
            Assert.Equal(trained.Split.Test.Length, candidate.Evaluation.Positives + candidate.Evaluation.Negatives);
        }
        Assert.Equal(
            Math.Max(selection.LogisticRegression.Evaluation.Auc, selection.GradientBoostedTrees.Evaluation.Auc),
            selection.Winner.Evaluation.Auc);
    }

    [Fact]
    public void The_logistic_regression_finds_the_planted_feature_and_gives_the_noise_a_tiny_weight()
    {
        var model = trained.Regression;
        output.WriteLine($"weights {string.Join(", ", model.Weights)}, bias {model.Bias}");

        Assert.True(model.Weights[0] > 1.0, $"visits weight {model.Weights[0]}");
        // The noise weight's standard error is about 0.05 here: allow three of them, a fifteenth of the signal.
        Assert.True(Math.Abs(model.Weights[1]) < 0.15, $"noise weight {model.Weights[1]}");
        Assert.True(Math.Abs(model.Weights[1]) < model.Weights[0] / 15);
    }

    [Fact]
    public void The_logistic_regression_is_at_the_optimum_of_its_regularised_objective()
    {
        // ∂/∂w_j [Σ logloss + λ/2 ‖w‖²] = Σ (p_i − y_i) z_ij + λ w_j must vanish; ∂/∂b = Σ (p_i − y_i) too.
        var model = trained.Regression;
        var rows = trained.Split.Train.Select(i => trained.Data.Rows[i]).ToArray();
        var labels = trained.Split.Train.Select(i => trained.Data.Labels[i]).ToArray();
        var gradient = new double[3];
        for (var i = 0; i < rows.Length; i++)
        {
            var residual = model.PredictProbability(rows[i]) - (labels[i] ? 1 : 0);
            gradient[0] += residual;
            for (var j = 0; j < 2; j++)
            {
                gradient[j + 1] += residual * (rows[i][j] - model.Means[j]) / model.StandardDeviations[j];
            }
        }
        gradient[1] += model.Weights[0];
        gradient[2] += model.Weights[1];

        Assert.All(gradient, g => Assert.True(Math.Abs(g) < 1e-4, $"gradient {string.Join(", ", gradient)}"));
    }

    [Fact]
    public void A_keen_visitors_score_is_explained_first_by_the_visits_and_the_contributions_add_up()
    {
        var model = trained.Regression;

        var factors = model.Explain(KeenVisitor);

        Assert.Equal("pricing_page_visits", factors[0].Feature);
        Assert.Equal(14, factors[0].Value);
        Assert.True(factors[0].Contribution > 0);
        var logOdds = Math.Log(model.PredictProbability(KeenVisitor) / (1 - model.PredictProbability(KeenVisitor)));
        Assert.Equal(logOdds, model.Bias + factors.Sum(f => f.Contribution), 9);
        // At the training mean nothing stands out.
        Assert.All(model.Explain([.. model.Means]), f => Assert.Equal(0, f.Contribution, 12));
    }

    [Fact]
    public void The_boosted_trees_explain_a_keen_visitor_by_the_visits_and_barely_use_the_noise()
    {
        var model = trained.Trees;

        var factors = model.Explain(KeenVisitor);

        Assert.Equal("pricing_page_visits", factors[0].Feature);
        Assert.True(factors[0].Contribution > 1, $"{factors[0].Contribution}");
        var visits = trained.TestRows.Average(row => Math.Abs(Contribution(model, row, "pricing_page_visits")));
        var noise = trained.TestRows.Average(row => Math.Abs(Contribution(model, row, "noise")));
        output.WriteLine($"mean |contribution|: visits {visits:F4}, noise {noise:F4}; {model.Trees.Sum(t => t.Nodes.Length)} nodes");
        Assert.True(noise < visits / 5, $"visits {visits}, noise {noise}");
    }

    [Fact]
    public void The_tree_contributions_add_up_to_the_log_odds_less_a_baseline_that_is_the_same_for_every_row()
    {
        var model = trained.Trees;

        var baselines = trained.TestRows.Take(50).Select(row => model.LogOdds(row) - model.Explain(row).Sum(f => f.Contribution)).ToArray();

        var expected = model.InitialLogOdds + model.Trees.Sum(tree => tree.Nodes[0].Value);
        Assert.All(baselines, baseline => Assert.Equal(expected, baseline, 9));
    }

    [Fact]
    public void Both_models_come_back_from_json_predicting_and_explaining_exactly_as_before()
    {
        foreach (var model in new IClassifierModel[] { trained.Regression, trained.Trees })
        {
            var loaded = ModelJson.Deserialize(ModelJson.Serialize(model));

            Assert.IsType(model.GetType(), loaded);
            Assert.Equal(model.FeatureNames.ToArray(), loaded.FeatureNames.ToArray());
            foreach (var row in trained.TestRows.Take(200).Append(KeenVisitor))
            {
                Assert.Equal(model.PredictProbability(row), loaded.PredictProbability(row));
                Assert.Equal(model.Explain(row), loaded.Explain(row));
            }
        }
    }

    [Fact]
    public void A_model_whose_kind_comes_after_its_other_properties_still_loads_as_jsonb_returns_it()
    {
        // jsonb orders keys by length, so "kind" can follow "bias"; move it to the end to make sure.
        var json = JsonNode.Parse(ModelJson.Serialize(trained.Regression))!.AsObject();
        var kind = json["kind"]!.DeepClone();
        json.Remove("kind");
        json.Add("kind", kind);

        var loaded = ModelJson.Deserialize(json.ToJsonString());

        Assert.Equal(trained.Regression.PredictProbability(KeenVisitor), loaded.PredictProbability(KeenVisitor));
    }

    [Fact]
    public void Training_the_trees_again_gives_the_same_model()
    {
        var rows = trained.Split.Train.Select(i => trained.Data.Rows[i]).ToArray();
        var labels = trained.Split.Train.Select(i => trained.Data.Labels[i]).ToArray();

        var again = GradientBoostedTrees.Train(rows, labels, PlantedSignal.FeatureNames);

        Assert.Equal(ModelJson.Serialize(trained.Trees), ModelJson.Serialize(again));
    }

    private static double Contribution(IClassifierModel model, double[] row, string feature) =>
        model.Explain(row).Single(f => f.Feature == feature).Contribution;
}
