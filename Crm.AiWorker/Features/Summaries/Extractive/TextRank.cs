namespace Crm.AiWorker.Features.Summaries.Extractive;

/// <summary>
/// TextRank (Mihalcea and Tarau, 2004): sentences are vertices, edges are weighted by word overlap, and weighted
/// PageRank finds the sentences most of the text "agrees with".
/// </summary>
public static class TextRank
{
    public const double Damping = 0.85;
    private const double Tolerance = 1e-9;
    private const int MaxIterations = 500;

    /// <summary>
    /// The paper's similarity: shared distinct terms over log|s1| + log|s2|, where the log keeps long sentences from
    /// winning by length alone. Not bounded by 1 (two identical five-term sentences score 1.55).
    /// </summary>
    public static double Similarity(IReadOnlyCollection<string> first, IReadOnlyCollection<string> second)
    {
        var a = first.ToHashSet(StringComparer.Ordinal);
        var b = second.ToHashSet(StringComparer.Ordinal);
        if (a.Count == 0 || b.Count == 0)
        {
            return 0;
        }
        var common = a.Count(b.Contains);
        var normaliser = Math.Log(a.Count) + Math.Log(b.Count);
        // Floored at 1: for one- and two-term sentences the logs sum to 0 or 0.69, which would make one shared word
        // outweigh a whole shared clause. (The summariser only ranks sentences of 3 terms or more, where it is 2.2+.)
        return common == 0 ? 0 : common / Math.Max(normaliser, 1);
    }

    /// <summary>The score of each sentence (summing to 1), in input order, from its content terms.</summary>
    public static double[] RankSentences(IReadOnlyList<IReadOnlyList<string>> sentenceTerms) =>
        PageRank(SimilarityGraph(sentenceTerms));

    /// <summary>The sentence graph: <see cref="Similarity"/> between every two sentences, no self-loops.</summary>
    public static double[,] SimilarityGraph(IReadOnlyList<IReadOnlyList<string>> sentenceTerms)
    {
        var n = sentenceTerms.Count;
        var weights = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                weights[i, j] = weights[j, i] = Similarity(sentenceTerms[i], sentenceTerms[j]);
            }
        }
        return weights;
    }

    /// <summary>For each vertex, how many vertices its connected component has (itself included).</summary>
    public static int[] ComponentSizes(double[,] weights)
    {
        var n = weights.GetLength(0);
        var component = Enumerable.Repeat(-1, n).ToArray();
        var sizes = new List<int>();
        for (var root = 0; root < n; root++)
        {
            if (component[root] >= 0)
            {
                continue;
            }
            var stack = new Stack<int>([root]);
            component[root] = sizes.Count;
            var size = 0;
            while (stack.TryPop(out var vertex))
            {
                size++;
                for (var other = 0; other < n; other++)
                {
                    if (component[other] < 0 && (weights[vertex, other] > 0 || weights[other, vertex] > 0))
                    {
                        component[other] = sizes.Count;
                        stack.Push(other);
                    }
                }
            }
            sizes.Add(size);
        }
        return component.Select(c => sizes[c]).ToArray();
    }

    /// <summary>
    /// Weighted PageRank of a graph given as a weight matrix (row j holds the edges out of vertex j), iterated until
    /// no score moves by more than 1e-9, then scaled to sum to 1. As in the paper, a vertex without edges keeps
    /// only the (1 - d) share: an isolated sentence ("Out of office until Monday.") is unimportant, not average.
    /// </summary>
    public static double[] PageRank(double[,] weights, double damping = Damping)
    {
        var n = weights.GetLength(0);
        if (n == 0)
        {
            return [];
        }
        var outWeight = new double[n];
        for (var j = 0; j < n; j++)
        {
            for (var k = 0; k < n; k++)
            {
                outWeight[j] += weights[j, k];
            }
        }
        var scores = Enumerable.Repeat(1.0, n).ToArray();
        var next = new double[n];
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var change = 0.0;
            for (var i = 0; i < n; i++)
            {
                var incoming = 0.0;
                for (var j = 0; j < n; j++)
                {
                    if (weights[j, i] > 0)
                    {
                        incoming += weights[j, i] / outWeight[j] * scores[j];
                    }
                }
                next[i] = 1 - damping + damping * incoming;
                change = Math.Max(change, Math.Abs(next[i] - scores[i]));
            }
            (scores, next) = (next, scores);
            if (change < Tolerance)
            {
                break;
            }
        }
        var total = scores.Sum();
        return scores.Select(s => s / total).ToArray();
    }

    /// <summary>Indices ordered by descending score; equal scores keep their original order (so results are stable).</summary>
    public static int[] OrderByScore(IReadOnlyList<double> scores) =>
        Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
}
