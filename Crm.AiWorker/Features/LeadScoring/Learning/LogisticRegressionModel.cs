using System.Collections.Immutable;

namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>
/// A trained logistic regression: log-odds = <see cref="Bias"/> + Σ w_i · (x_i − mean_i) / std_i. The weights are on
/// standardised features, so their sizes compare across features, and <see cref="Bias"/> is the log-odds of a row at
/// the training mean.
/// </summary>
public sealed record LogisticRegressionModel(
    ImmutableArray<string> FeatureNames,
    ImmutableArray<double> Means,
    ImmutableArray<double> StandardDeviations,
    ImmutableArray<double> Weights,
    double Bias) : IClassifierModel
{
    public const string Kind = "logistic-regression";

    public double LogOdds(ReadOnlySpan<double> x)
    {
        Learning.LogOdds.CheckRow(FeatureNames, x);
        var z = Bias;
        for (var i = 0; i < x.Length; i++)
        {
            z += Weights[i] * (x[i] - Means[i]) / StandardDeviations[i];
        }
        return z;
    }

    public double PredictProbability(ReadOnlySpan<double> x) => Learning.LogOdds.Sigmoid(LogOdds(x));

    /// <summary>w_i · (x_i − mean_i) / std_i per feature: these and <see cref="Bias"/> add up to the row's log-odds.</summary>
    public IReadOnlyList<FeatureContribution> Explain(ReadOnlySpan<double> x)
    {
        Learning.LogOdds.CheckRow(FeatureNames, x);
        var contributions = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            contributions[i] = Weights[i] * (x[i] - Means[i]) / StandardDeviations[i];
        }
        return Learning.LogOdds.Sorted(FeatureNames, x, contributions);
    }
}
