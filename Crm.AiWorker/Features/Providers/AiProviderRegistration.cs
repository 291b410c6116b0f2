using System.ClientModel;
using System.ClientModel.Primitives;
using Crm.ServiceDefaults.Clients;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Crm.AiWorker.Features.Providers;

/// <summary>
/// The remote models of <c>ConnectionStrings:ai</c> (any OpenAI-compatible endpoint) through the OpenAI SDK and
/// Microsoft.Extensions.AI: an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> when it names an
/// EmbeddingModel, an <see cref="IChatClient"/> when it names a Model. Calls that fail (a 4xx, or a 429/5xx after
/// the SDK's retries) throw <see cref="ClientResultException"/>, whose Status is the HTTP status.
/// </summary>
public static class AiProviderRegistration
{
    /// <summary>The IHttpClientFactory client the SDK sends through, so it has the service defaults' handlers.</summary>
    public const string HttpClientName = "ai";

    // The SDK refuses an empty key, but Ollama needs none (and ignores the Authorization header).
    private const string PlaceholderKey = "no-key";

    /// <summary>
    /// Registers the remote models, <see cref="AiModels"/>, <see cref="AiPricingOptions"/> and
    /// <see cref="PromptTemplates"/>. Call it after <c>AddLocalEmbeddings()</c>: a remote embedding generator
    /// replaces any <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> registered before it, so resolving the
    /// interface gives the remote model; without one, the local model (<c>LocalEmbeddingModel</c>) stays in charge.
    /// </summary>
    public static AiModels AddCrmAiProviders(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AiProviderOptions>().BindConfiguration(AiProviderOptions.Section);
        services.AddOptions<AiPricingOptions>().BindConfiguration(AiPricingOptions.Section);
        services.TryAddSingleton(new PromptTemplates(PromptTemplates.DefaultFolder));

        // Read here rather than from the container: what to register depends on it.
        var connectionString = builder.Configuration.GetConnectionString(ConnectionNames.Ai);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            services.AddSingleton(AiModels.LocalOnly);
            return AiModels.LocalOnly;
        }
        var connection = AiConnection.Parse(connectionString);
        services.TryAddSingleton(connection);

        var models = new AiModels(
            connection.Model is { } chatModel ? new AiModelInfo(AiModelInfo.OpenAiCompatible, chatModel) : null,
            connection.EmbeddingModel is { } embeddingModel
                ? new AiModelInfo(AiModelInfo.OpenAiCompatible, embeddingModel)
                : AiModelInfo.LocalEmbeddings);
        services.AddSingleton(models);
        if (connection.Model is null && connection.EmbeddingModel is null)
        {
            return models;
        }

        // The OpenAI client lives as long as the process and keeps its HttpClient, so the factory's handler rotation
        // would never reach it: the connection pool recycles connections instead (to follow DNS changes).
        services.AddHttpClient(HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddKeyedSingleton(HttpClientName, (provider, _) => CreateClient(provider, connection));

        if (connection.EmbeddingModel is { } embeddings)
        {
            services.RemoveAll<IEmbeddingGenerator<string, Embedding<float>>>();
            services.AddSingleton(provider => provider.GetRequiredKeyedService<OpenAIClient>(HttpClientName)
                .GetEmbeddingClient(embeddings)
                .AsIEmbeddingGenerator());
        }
        if (connection.Model is { } chat)
        {
            services.AddSingleton(provider => provider.GetRequiredKeyedService<OpenAIClient>(HttpClientName)
                .GetChatClient(chat)
                .AsIChatClient());
        }
        return models;
    }

    private static OpenAIClient CreateClient(IServiceProvider provider, AiConnection connection)
    {
        var httpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName);
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(httpClient),
            RetryPolicy = new ClientRetryPolicy(provider.GetRequiredService<IOptions<AiProviderOptions>>().Value.MaxRetries),
        };
        // Without an Endpoint (a Key alone) the SDK's default is OpenAI itself.
        if (connection.Endpoint is { } endpoint)
        {
            options.Endpoint = endpoint;
        }
        return new OpenAIClient(new ApiKeyCredential(connection.Key ?? PlaceholderKey), options);
    }
}
