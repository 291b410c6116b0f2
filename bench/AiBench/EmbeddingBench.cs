using System.Diagnostics;
using Crm.AiWorker.Features.Embeddings;

namespace AiBench;

/// <summary>The local SIF model: load time of the word-vector file, then embeddings per second on one thread.</summary>
internal static class EmbeddingBench
{
    private const int TextCount = 20_000;

    public static SifEmbeddingGenerator Run(string vectorFile)
    {
        Console.WriteLine("## Local embeddings (SIF over GloVe 100-d)");
        WordVectors? vectors = null;
        var loads = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var timer = Stopwatch.StartNew();
            vectors = WordVectors.Load(vectorFile);
            loads.Add(timer.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"WordVectors.Load ({new FileInfo(vectorFile).Length / 1e6:F0} MB, {vectors!.Count:N0} words): " +
                          $"{string.Join(", ", loads.Select(s => $"{s:F2}"))} s (the first includes the JIT; the file is in the page cache)");
        var sif = new SifEmbeddingGenerator(vectors);

        var generator = new Texts(seed: 1);
        var texts = Enumerable.Range(0, TextCount).Select(_ => generator.Next()).ToArray();
        var words = texts.Sum(t => t.Count(c => c == ' ') + 1);
        var known = texts.Take(1000).SelectMany(t => t.Split(' ')).Distinct().Count(w => vectors.TryGet(w, out _, out _));
        Console.WriteLine($"{TextCount:N0} texts of 20–80 words ({(double)words / TextCount:F1} on average) over {Texts.VocabularySize} business words ({known} in GloVe)");
        foreach (var text in texts.Take(2_000))
        {
            sif.Embed(text); // warm-up: tiered JIT
        }
        Console.WriteLine("| pass | embeddings/s | words/s | µs per embedding |");
        for (var pass = 1; pass <= 3; pass++)
        {
            var timer = Stopwatch.StartNew();
            var checksum = 0f;
            foreach (var text in texts)
            {
                checksum += sif.Embed(text)[0];
            }
            var seconds = timer.Elapsed.TotalSeconds;
            Console.WriteLine($"| {pass} | {TextCount / seconds:F0} | {words / seconds:F0} | {seconds * 1e6 / TextCount:F1} |{(float.IsNaN(checksum) ? " NaN!" : "")}");
        }
        return sif;
    }
}
