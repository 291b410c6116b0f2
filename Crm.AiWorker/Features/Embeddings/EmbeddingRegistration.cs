using Crm.Domain.Outbox;

namespace Crm.AiWorker.Features.Embeddings;

public static class EmbeddingRegistration
{
    /// <summary>The local embedding model, loaded in the background once the worker has started.</summary>
    public static IHostApplicationBuilder AddLocalEmbeddings(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LocalEmbeddingOptions>().BindConfiguration(LocalEmbeddingOptions.Section);
        builder.Services.AddSingleton<LocalEmbeddingModel>();
        builder.Services.AddHostedService<LocalEmbeddingWarmUp>();
        return builder;
    }

    /// <summary>The vectors of records kept current from the outbox, and the backfill of what is missing.</summary>
    public static IHostApplicationBuilder AddEmbeddingIndexing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EmbeddingModels>();
        builder.Services.AddScoped<EmbeddingIndexer>();
        builder.AddOutboxConsumer<EmbeddingIndexer>();
        builder.Services.AddHostedService<EmbeddingBackfill>();
        return builder;
    }

    /// <summary>Loads (or converts) the model after start-up, so that the first job does not wait for it.</summary>
    private sealed class LocalEmbeddingWarmUp(LocalEmbeddingModel model, ILogger<LocalEmbeddingWarmUp> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            try
            {
                await model.GeneratorAsync().WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                logger.LogError(e, "The local embeddings could not be loaded; the worker runs without them");
            }
        }
    }
}
