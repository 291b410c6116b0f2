using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>The embedding model in use and the id stored beside its vectors.</summary>
public sealed record ActiveEmbeddingModel(IEmbeddingGenerator<string, Embedding<float>> Generator, string Provider, string ModelId);

/// <summary>
/// Picks the embedding model: the remote one when <c>ConnectionStrings:ai</c> names an embedding model (registered as
/// the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> service), else the local SIF model; null while the local
/// model is missing (setup could not download its vectors), so callers can wait instead of failing.
/// </summary>
public sealed class EmbeddingModels(IServiceProvider services, LocalEmbeddingModel local)
{
    public async Task<ActiveEmbeddingModel?> ActiveAsync()
    {
        if (services.GetService<IEmbeddingGenerator<string, Embedding<float>>>() is { } remote)
        {
            var metadata = remote.GetService<EmbeddingGeneratorMetadata>();
            return new ActiveEmbeddingModel(remote, metadata?.ProviderName ?? "openai-compatible", metadata?.DefaultModelId ?? "remote");
        }
        SifEmbeddingGenerator? sif;
        try
        {
            sif = await local.GeneratorAsync();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            sif = null; // Logged once by the warm-up.
        }
        if (sif is not null)
        {
            return new ActiveEmbeddingModel(sif, sif.Metadata.ProviderName!, sif.Metadata.DefaultModelId!);
        }
        return null;
    }
}
