namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>How <see cref="GradientBoostedTrees"/> fits.</summary>
/// <param name="Trees">Boosting rounds.</param>
/// <param name="MaxDepth">Splits from root to leaf at most; 3 lets a tree express interactions of three features.</param>
/// <param name="LearningRate">Shrinkage of every tree: small steps generalise better than few big ones.</param>
/// <param name="MinLeafSize">Training rows a leaf must have, so that no leaf is fitted to a handful of leads.</param>
/// <param name="MaxBins">Split candidates per feature are the quantiles that cut the training values into this many bins (2 to 256).</param>
/// <param name="L2">λ in a node's Newton step −G / (H + λ): damps nodes with little evidence.</param>
public sealed record GradientBoostedTreesOptions(
    int Trees = 100, int MaxDepth = 3, double LearningRate = 0.1, int MinLeafSize = 20, int MaxBins = 64, double L2 = 1.0);

/// <summary>
/// Gradient boosting of depth-limited regression trees on the log loss, with second-order (Newton) leaf values as in
/// XGBoost. Features are bucketed once into quantile bins; a split search then only sums gradients into a histogram
/// per feature and scans its bins, which keeps a tree at O(rows · features · depth) and 100k rows fast.
/// </summary>
public static class GradientBoostedTrees
{
    public static GradientBoostedTreesModel Train(
        double[][] rows, bool[] labels, string[] featureNames, GradientBoostedTreesOptions? options = null)
    {
        TrainingInput.Validate(rows, labels, featureNames);
        options ??= new GradientBoostedTreesOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBins, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxBins, 256);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinLeafSize, 1);

        var p = featureNames.Length;
        var thresholds = new double[p][];
        for (var f = 0; f < p; f++)
        {
            thresholds[f] = QuantileThresholds(rows, f, options.MaxBins);
        }
        var bins = Bucket(rows, thresholds);

        var n = rows.Length;
        var initial = LogOdds.Logit((double)labels.Count(label => label) / n);
        var scores = new double[n];
        Array.Fill(scores, initial);

        var builder = new TreeBuilder(bins, thresholds, options);
        var trees = new RegressionTree[options.Trees];
        for (var t = 0; t < trees.Length; t++)
        {
            trees[t] = builder.Build(labels, scores);
        }
        return new GradientBoostedTreesModel([.. featureNames], initial, [.. trees]);
    }

    /// <summary>
    /// Up to maxBins − 1 distinct training values at evenly spaced ranks; "x ≤ threshold" is the split. The largest
    /// value is never a threshold, since every row would go left.
    /// </summary>
    private static double[] QuantileThresholds(double[][] rows, int feature, int maxBins)
    {
        var sorted = new double[rows.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = rows[i][feature];
        }
        Array.Sort(sorted);
        var thresholds = new List<double>(maxBins - 1);
        for (var k = 1; k < maxBins; k++)
        {
            var value = sorted[(int)((long)k * sorted.Length / maxBins)];
            if (value < sorted[^1] && (thresholds.Count == 0 || value > thresholds[^1]))
            {
                thresholds.Add(value);
            }
        }
        return [.. thresholds];
    }

    /// <summary>
    /// Every row's bins, row-major (row i's are bins[i·p .. (i+1)·p)), so that a histogram pass reads each row's bins
    /// together. A row's bin is the first threshold it does not exceed, so bin ≤ b exactly when x ≤ thresholds[b].
    /// </summary>
    private static byte[] Bucket(double[][] rows, double[][] thresholds)
    {
        var p = thresholds.Length;
        var bins = new byte[rows.Length * p];
        for (var i = 0; i < rows.Length; i++)
        {
            for (var f = 0; f < p; f++)
            {
                var index = Array.BinarySearch(thresholds[f], rows[i][f]);
                bins[i * p + f] = (byte)(index >= 0 ? index : ~index);
            }
        }
        return bins;
    }

    /// <summary>
    /// Grows one tree on the current gradients; holds the buffers the trees reuse. A node owns a range of
    /// <c>_rows</c>, and the gradients and Hessians are kept in the same order, so that summing them is a sequential read.
    /// </summary>
    private sealed class TreeBuilder
    {
        private readonly byte[] _bins;
        private readonly double[][] _thresholds;
        private readonly GradientBoostedTreesOptions _options;
        private readonly int _features;
        private readonly int[] _rows;
        private readonly double[] _gradients;
        private readonly double[] _hessians;
        private readonly double[] _gradientHistogram;
        private readonly double[] _hessianHistogram;
        private readonly int[] _countHistogram;
        private readonly List<TreeNode> _nodes = [];

        public TreeBuilder(byte[] bins, double[][] thresholds, GradientBoostedTreesOptions options)
        {
            _bins = bins;
            _thresholds = thresholds;
            _options = options;
            _features = thresholds.Length;
            var n = bins.Length / _features;
            _rows = new int[n];
            _gradients = new double[n];
            _hessians = new double[n];
            _gradientHistogram = new double[_features * options.MaxBins];
            _hessianHistogram = new double[_features * options.MaxBins];
            _countHistogram = new int[_features * options.MaxBins];
        }

        /// <summary>Fits a tree to the log loss's gradients at <paramref name="scores"/> and adds its values to them.</summary>
        public RegressionTree Build(bool[] labels, double[] scores)
        {
            for (var i = 0; i < _rows.Length; i++)
            {
                var p = LogOdds.Sigmoid(scores[i]);
                _rows[i] = i;
                _gradients[i] = p - (labels[i] ? 1 : 0);
                _hessians[i] = p * (1 - p);
            }
            _nodes.Clear();
            Grow(0, _rows.Length, 0, scores);
            return new RegressionTree([.. _nodes]);
        }

        /// <summary>Adds the node for positions [start, end) and, if it splits, its subtrees; returns its index.</summary>
        private int Grow(int start, int end, int depth, double[] scores)
        {
            double g = 0, h = 0;
            for (var k = start; k < end; k++)
            {
                g += _gradients[k];
                h += _hessians[k];
            }
            var value = -g / (h + _options.L2) * _options.LearningRate;
            var index = _nodes.Count;
            _nodes.Add(TreeNode.Leaf(value));

            var split = depth < _options.MaxDepth && end - start >= 2 * _options.MinLeafSize
                ? BestSplit(start, end, g, h)
                : null;
            if (split is not { } best)
            {
                for (var k = start; k < end; k++)
                {
                    scores[_rows[k]] += value;
                }
                return index;
            }

            var middle = Partition(start, end, best.Feature, best.Bin);
            var left = Grow(start, middle, depth + 1, scores);
            var right = Grow(middle, end, depth + 1, scores);
            _nodes[index] = new TreeNode(best.Feature, _thresholds[best.Feature][best.Bin], left, right, value);
            return index;
        }

        private (int Feature, int Bin)? BestSplit(int start, int end, double g, double h)
        {
            var maxBins = _options.MaxBins;
            Array.Clear(_gradientHistogram);
            Array.Clear(_hessianHistogram);
            Array.Clear(_countHistogram);
            for (var k = start; k < end; k++)
            {
                var row = _bins.AsSpan(_rows[k] * _features, _features);
                var (gradient, hessian) = (_gradients[k], _hessians[k]);
                for (var f = 0; f < row.Length; f++)
                {
                    var cell = f * maxBins + row[f];
                    _gradientHistogram[cell] += gradient;
                    _hessianHistogram[cell] += hessian;
                    _countHistogram[cell]++;
                }
            }

            var parentScore = g * g / (h + _options.L2);
            var bestGain = 1e-12; // a split must improve the loss, not merely tie
            (int, int)? best = null;
            for (var f = 0; f < _features; f++)
            {
                double gl = 0, hl = 0;
                var nl = 0;
                // The last bin is never a split: everything would go left. A constant feature has just that one.
                for (var b = 0; b < _thresholds[f].Length; b++)
                {
                    var cell = f * maxBins + b;
                    gl += _gradientHistogram[cell];
                    hl += _hessianHistogram[cell];
                    nl += _countHistogram[cell];
                    var nr = end - start - nl;
                    if (nr < _options.MinLeafSize)
                    {
                        break; // the right side only shrinks from here
                    }
                    if (nl < _options.MinLeafSize)
                    {
                        continue;
                    }
                    var gr = g - gl;
                    var hr = h - hl;
                    var gain = gl * gl / (hl + _options.L2) + gr * gr / (hr + _options.L2) - parentScore;
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        best = (f, b);
                    }
                }
            }
            return best;
        }

        /// <summary>
        /// Reorders positions [start, end) so that rows in bins ≤ bin come first, carrying their gradients along;
        /// returns where the rest begin.
        /// </summary>
        private int Partition(int start, int end, int feature, int bin)
        {
            var i = start;
            var j = end - 1;
            while (i <= j)
            {
                if (_bins[_rows[i] * _features + feature] <= bin)
                {
                    i++;
                }
                else
                {
                    (_rows[i], _rows[j]) = (_rows[j], _rows[i]);
                    (_gradients[i], _gradients[j]) = (_gradients[j], _gradients[i]);
                    (_hessians[i], _hessians[j]) = (_hessians[j], _hessians[i]);
                    j--;
                }
            }
            return i;
        }
    }
}
