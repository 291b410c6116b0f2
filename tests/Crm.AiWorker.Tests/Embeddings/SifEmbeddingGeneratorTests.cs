using Crm.AiWorker.Features.Embeddings;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>
/// The local embedding model over a small hand-made vocabulary (the real one is 341,479 GloVe words): frequent words
/// weigh little, texts about the same thing come out close, the file format round-trips.
/// </summary>
public sealed class SifEmbeddingGeneratorTests
{
    // Rank order = frequency order. Axes: 0 "animal", 1 "money", 2 noise shared by the function words.
    private static readonly string[] Words = ["the", "of", "a", "invoice", "payment", "cat", "kitten", "overdue"];

    private static readonly float[][] Vectors =
    [
        [0.1f, 0.1f, 1f], [0.1f, 0.1f, 1f], [0.1f, 0.1f, 1f],
        [0f, 1f, 0f], [0.1f, 0.9f, 0.1f], [1f, 0f, 0f], [0.9f, 0.1f, 0.1f], [0.2f, 0.8f, 0f],
    ];

    private static readonly WordVectors Vocabulary = new(Words, [.. Vectors.SelectMany(v => v)], 3);

    [Fact]
    public void Frequent_words_weigh_less_than_rare_ones()
    {
        var sif = new SifEmbeddingGenerator(Vocabulary);

        Assert.True(sif.WeightOf(0) < sif.WeightOf(3));
        Assert.True(sif.WeightOf(3) < sif.WeightOf(7));
        Assert.InRange(sif.WeightOf(0), 0, 1);
    }

    [Fact]
    public void Texts_about_the_same_thing_are_closer_than_texts_about_different_things()
    {
        var sif = new SifEmbeddingGenerator(Vocabulary);

        var invoice = sif.Embed("The invoice of the payment");
        var overdue = sif.Embed("an overdue payment");
        var kitten = sif.Embed("a kitten");

        Assert.True(Cosine(invoice, overdue) > 0.9, $"{Cosine(invoice, overdue)}");
        Assert.True(Cosine(invoice, kitten) < 0.5, $"{Cosine(invoice, kitten)}");
    }

    [Fact]
    public void Embeddings_have_unit_length_unknown_words_are_skipped_and_a_text_without_known_words_is_zero()
    {
        var sif = new SifEmbeddingGenerator(Vocabulary);

        Assert.Equal(1.0, Math.Sqrt(sif.Embed("Kitten!").Sum(x => (double)x * x)), 5);
        Assert.Equal(sif.Embed("kitten"), sif.Embed("kitten zyxwv"));
        Assert.All(sif.Embed("zyxwv qwerty"), x => Assert.Equal(0f, x));
    }

    [Fact]
    public async Task It_is_an_IEmbeddingGenerator_with_its_model_and_dimensions()
    {
        using var sif = new SifEmbeddingGenerator(Vocabulary);

        var embeddings = await sif.GenerateAsync(["cat", "invoice"]);

        Assert.Equal(2, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(3, e.Vector.Length));
        Assert.Equal("sif-glove-3d", embeddings[0].ModelId);
        Assert.Equal(3, sif.Metadata.DefaultModelDimensions);
    }

    [Fact]
    public void The_binary_file_round_trips_and_a_foreign_file_is_refused()
    {
        using var file = new MemoryStream();
        Vocabulary.Write(file);
        file.Position = 0;

        var read = WordVectors.Read(file);

        Assert.Equal((Vocabulary.Count, Vocabulary.Dimensions), (read.Count, read.Dimensions));
        foreach (var word in Words)
        {
            Assert.True(Vocabulary.TryGet(word, out var rank, out var expected));
            Assert.True(read.TryGet(word, out var readRank, out var actual));
            Assert.Equal(rank, readRank);
            Assert.Equal(expected.ToArray(), actual.ToArray());
        }
        Assert.Throws<InvalidDataException>(() => WordVectors.Read(new MemoryStream("not vectors"u8.ToArray())));
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
}
