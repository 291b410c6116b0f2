using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>
/// A trained binary classifier over named numeric features: the probability of the positive class (a lead converting)
/// and why. Serialised with <see cref="ModelJson"/>, which records the kind so that a stored model loads back as itself.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(LogisticRegressionModel), LogisticRegressionModel.Kind)]
[JsonDerivedType(typeof(GradientBoostedTreesModel), GradientBoostedTreesModel.Kind)]
public interface IClassifierModel
{
    /// <summary>The features, in the order a row passed to the model must have them.</summary>
    ImmutableArray<string> FeatureNames { get; }

    /// <summary>The probability that the row <paramref name="x"/> belongs to the positive class.</summary>
    double PredictProbability(ReadOnlySpan<double> x);

    /// <summary>Each feature's share of the row's log-odds, the largest (by absolute size) first.</summary>
    IReadOnlyList<FeatureContribution> Explain(ReadOnlySpan<double> x);
}

/// <summary>
/// How much one feature moved a row's log-odds away from the model's baseline (positive: towards converting).
/// <paramref name="Value"/> is the row's value of the feature, so that an explanation reads "visits = 12: +1.8".
/// </summary>
public sealed record FeatureContribution(string Feature, double Value, double Contribution);

/// <summary>The numeric helpers both models share, written once so they agree to the last bit.</summary>
internal static class LogOdds
{
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    public static double Logit(double p) => Math.Log(p / (1 - p));

    /// <summary>log(1 + e^z) without overflow: the log loss of a positive row is Softplus(-z), of a negative one Softplus(z).</summary>
    public static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));

    public static IReadOnlyList<FeatureContribution> Sorted(ImmutableArray<string> names, ReadOnlySpan<double> x, double[] contributions)
    {
        var list = new FeatureContribution[contributions.Length];
        for (var i = 0; i < list.Length; i++)
        {
            list[i] = new FeatureContribution(names[i], x[i], contributions[i]);
        }
        // Stable sort, so equal contributions keep the feature order and explanations are reproducible.
        return [.. list.OrderByDescending(c => Math.Abs(c.Contribution))];
    }

    public static void CheckRow(ImmutableArray<string> names, ReadOnlySpan<double> x)
    {
        if (x.Length != names.Length)
        {
            throw new ArgumentException($"The model has {names.Length} features; the row has {x.Length} values.", nameof(x));
        }
    }
}
