namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>Row indices for training and for held-out evaluation, each in ascending order.</summary>
public sealed record HoldoutSplit(int[] Train, int[] Test)
{
    /// <summary>
    /// Holds out round(testFraction · count) rows of each class, chosen by a seeded shuffle, so that both parts keep
    /// the class ratio and the same seed gives the same split on every machine and runtime (the generator is
    /// SplitMix64, not <see cref="Random"/>, whose sequence .NET does not promise). A class with at least two rows
    /// has at least one on each side.
    /// </summary>
    public static HoldoutSplit Stratified(ReadOnlySpan<bool> labels, double testFraction, int seed)
    {
        if (!(testFraction is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must lie strictly between 0 and 1.");
        }
        var positives = new List<int>();
        var negatives = new List<int>();
        for (var i = 0; i < labels.Length; i++)
        {
            (labels[i] ? positives : negatives).Add(i);
        }

        var random = new SplitMix64(unchecked((ulong)seed));
        var train = new List<int>(labels.Length);
        var test = new List<int>(labels.Length);
        foreach (var rows in new[] { positives, negatives })
        {
            random.Shuffle(rows);
            var held = (int)Math.Round(testFraction * rows.Count, MidpointRounding.AwayFromZero);
            if (rows.Count >= 2)
            {
                held = Math.Clamp(held, 1, rows.Count - 1);
            }
            test.AddRange(rows.Take(held));
            train.AddRange(rows.Skip(held));
        }
        train.Sort();
        test.Sort();
        return new HoldoutSplit([.. train], [.. test]);
    }

    /// <summary>Steele, Lea and Flood's SplitMix64: tiny, fast, and fully specified.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public void Shuffle(List<int> items)
        {
            // Fisher–Yates from the end.
            for (var i = items.Count - 1; i > 0; i--)
            {
                var j = (int)(Next() % (ulong)(i + 1));
                (items[i], items[j]) = (items[j], items[i]);
            }
        }

        private ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
