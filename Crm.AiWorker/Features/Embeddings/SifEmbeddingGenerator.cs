using Crm.Domain.Search;
using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// The local embedding model: smooth inverse frequency (SIF; Arora, Liang and Ma, 2017) over word vectors. A text's
/// embedding is the average of its words' vectors, each weighted a / (a + p(word)), so that frequent words ("the",
/// "of") count for little and rare ones for much; then scaled to unit length, so that a dot product is the cosine.
/// The vectors carry no word counts, only frequency ranks, so p is estimated from the rank with Zipf's law:
/// p(r) = 1 / ((r + 1) · H), H the harmonic number of the vocabulary's size. Words not in the vocabulary are skipped;
/// a text with none gets the zero vector.
/// </summary>
public sealed class SifEmbeddingGenerator(WordVectors vectors, double smoothing = SifEmbeddingGenerator.DefaultSmoothing)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The paper's recommended a (1e-3 to 1e-4 work alike).</summary>
    public const double DefaultSmoothing = 1e-3;

    public const string ModelId = "sif-glove";

    // H(n) ≈ ln n + γ: the normaliser that makes Zipf's 1/(r+1) sum to 1 over the vocabulary.
    private readonly double _harmonic = Math.Log(Math.Max(vectors.Count, 1)) + 0.5772156649;

    public EmbeddingGeneratorMetadata Metadata { get; } =
        new("sif", null, $"{ModelId}-{vectors.Dimensions}d", vectors.Dimensions);

    /// <summary>The weight of the word of frequency rank <paramref name="rank"/> (0: the most frequent).</summary>
    public double WeightOf(int rank)
    {
        var probability = 1.0 / ((rank + 1) * _harmonic);
        return smoothing / (smoothing + probability);
    }

    public float[] Embed(string text)
    {
        var sum = new float[vectors.Dimensions];
        foreach (var word in SearchText.Fold(text).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (vectors.TryGet(word, out var rank, out var vector))
            {
                var weight = (float)WeightOf(rank);
                for (var i = 0; i < sum.Length; i++)
                {
                    sum[i] += weight * vector[i];
                }
            }
        }
        var length = MathF.Sqrt(sum.Sum(x => x * x));
        if (length > 0)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] /= length;
            }
        }
        return sum;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var embeddings = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var value in values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            embeddings.Add(new Embedding<float>(Embed(value)) { ModelId = Metadata.DefaultModelId, CreatedAt = DateTimeOffset.UtcNow });
        }
        return Task.FromResult(embeddings);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : null;

    public void Dispose()
    {
    }
}
