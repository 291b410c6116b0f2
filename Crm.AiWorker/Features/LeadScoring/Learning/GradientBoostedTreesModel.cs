using System.Collections.Immutable;

namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>
/// Boosted regression trees on the log-odds scale: log-odds = <see cref="InitialLogOdds"/> + Σ over trees of the value
/// of the leaf the row falls into. Tree values are stored already multiplied by the learning rate.
/// </summary>
public sealed record GradientBoostedTreesModel(
    ImmutableArray<string> FeatureNames,
    double InitialLogOdds,
    ImmutableArray<RegressionTree> Trees) : IClassifierModel
{
    public const string Kind = "gradient-boosted-trees";

    public double LogOdds(ReadOnlySpan<double> x)
    {
        Learning.LogOdds.CheckRow(FeatureNames, x);
        var z = InitialLogOdds;
        foreach (var tree in Trees)
        {
            z += tree.Nodes[tree.LeafOf(x)].Value;
        }
        return z;
    }

    public double PredictProbability(ReadOnlySpan<double> x) => Learning.LogOdds.Sigmoid(LogOdds(x));

    /// <summary>
    /// Path attribution (Saabas): walking each tree from its root to the row's leaf, every change of the node value is
    /// credited to the feature the node splits on. The contributions add up to the log-odds minus the baseline
    /// (<see cref="InitialLogOdds"/> plus the trees' root values), the log-odds of a row about which nothing is known.
    /// </summary>
    public IReadOnlyList<FeatureContribution> Explain(ReadOnlySpan<double> x)
    {
        Learning.LogOdds.CheckRow(FeatureNames, x);
        var contributions = new double[x.Length];
        foreach (var tree in Trees)
        {
            var node = tree.Nodes[0];
            while (!node.IsLeaf)
            {
                var child = tree.Nodes[x[node.Feature] <= node.Threshold ? node.Left : node.Right];
                contributions[node.Feature] += child.Value - node.Value;
                node = child;
            }
        }
        return Learning.LogOdds.Sorted(FeatureNames, x, contributions);
    }
}

/// <summary>One tree, its nodes in an array with the root first; children point into the same array.</summary>
public sealed record RegressionTree(ImmutableArray<TreeNode> Nodes)
{
    public int LeafOf(ReadOnlySpan<double> x)
    {
        var index = 0;
        while (!Nodes[index].IsLeaf)
        {
            var node = Nodes[index];
            index = x[node.Feature] <= node.Threshold ? node.Left : node.Right;
        }
        return index;
    }
}

/// <summary>
/// A split (rows with x[Feature] ≤ Threshold go Left, the others, NaN included, Right) or a leaf (Feature −1).
/// Every node has a Value, the shrunk Newton step of its training rows, which the explanation needs for inner nodes.
/// </summary>
public sealed record TreeNode(int Feature, double Threshold, int Left, int Right, double Value)
{
    public bool IsLeaf => Feature < 0;

    public static TreeNode Leaf(double value) => new(-1, 0, -1, -1, value);
}
