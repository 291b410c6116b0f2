using System.ClientModel;
using Crm.AiWorker.Features.Embeddings;
using Crm.AiWorker.Features.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Tests.Providers;

/// <summary>
/// The remote models as the worker registers them (service defaults, local embeddings, then the providers), talking
/// over real HTTP to <see cref="FakeOpenAiServer"/>.
/// </summary>
public sealed class AiProviderRegistrationTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // A hang fails the test instead of blocking the run.
    private static CancellationToken Soon => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private string Connection(string? options = null) =>
        $"Endpoint={_server.Endpoint};Key={FakeOpenAiServer.Key}" + (options ?? ";Model=gpt-test;EmbeddingModel=embed-test");

    [Fact]
    public async Task Embeddings_come_back_with_the_servers_values_and_dimensions_for_the_configured_model()
    {
        using var host = BuildHost(Connection());
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embedding = await generator.GenerateAsync("Acme renewal", cancellationToken: Soon);

        Assert.Equal(FakeOpenAiServer.VectorOf("Acme renewal", 0), embedding.Vector.ToArray());
        Assert.Equal(FakeOpenAiServer.Dimensions, embedding.Dimensions);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal($"Bearer {FakeOpenAiServer.Key}", request.Authorization);
        Assert.Equal("embed-test", request.Body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task A_batch_sends_all_its_texts_in_one_request_and_gets_their_embeddings_in_order()
    {
        using var host = BuildHost(Connection());
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        string[] texts = ["Call with Jane", "Invoice 2024-17 overdue", "Deal won"];

        var embeddings = await generator.GenerateAsync(texts, cancellationToken: Soon);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(texts, request.Body.GetProperty("input").EnumerateArray().Select(input => input.GetString()));
        Assert.Equal(texts.Select(FakeOpenAiServer.VectorOf), embeddings.Select(embedding => embedding.Vector.ToArray()));
        Assert.Equal(texts.Sum(text => text.Length), embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public void The_remote_embedding_generator_replaces_one_registered_before_it_and_the_models_say_so()
    {
        using var host = BuildHost(Connection(), before: services =>
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new SifEmbeddingGenerator(new WordVectors(["the"], [1f], 1))));

        var generators = host.Services.GetServices<IEmbeddingGenerator<string, Embedding<float>>>().ToList();
        var models = host.Services.GetRequiredService<AiModels>();

        Assert.IsNotType<SifEmbeddingGenerator>(Assert.Single(generators));
        Assert.Equal("embed-test", generators[0].GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);
        Assert.Equal(new AiModels(new AiModelInfo("openai-compatible", "gpt-test"), new AiModelInfo("openai-compatible", "embed-test")), models);
        Assert.NotNull(host.Services.GetService<LocalEmbeddingModel>());
    }

    [Fact]
    public async Task Chat_returns_the_servers_text_and_token_usage_and_the_cost_follows_the_configured_prices()
    {
        using var host = BuildHost(Connection(), new()
        {
            ["Ai:Pricing:InputPer1kTokens"] = "0.5",
            ["Ai:Pricing:OutputPer1kTokens"] = "1.5",
        });
        var chat = host.Services.GetRequiredService<IChatClient>();
        var prompt = host.Services.GetRequiredService<PromptTemplates>().Render(PromptTemplates.SummarizeTimeline, new Dictionary<string, string>
        {
            ["recordType"] = "deal",
            ["recordName"] = "Acme renewal",
            ["timeline"] = "2025-03-03 Deal won: 12,000 EUR",
        });

        var response = await chat.GetResponseAsync(prompt, cancellationToken: Soon);
        var usage = ChatUsage.From(response, host.Services.GetRequiredService<IOptions<AiPricingOptions>>().Value);

        Assert.Equal(FakeOpenAiServer.Reply, response.Text);
        Assert.Equal(new ChatUsage(FakeOpenAiServer.PromptTokens, FakeOpenAiServer.CompletionTokens, 1.05m), usage);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-test", request.Body.GetProperty("model").GetString());
        var messages = request.Body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(message => message.GetProperty("role").GetString()));
        Assert.Contains("2025-03-03 Deal won: 12,000 EUR", messages[1].GetProperty("content").ToString());
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task A_failing_server_surfaces_as_a_ClientResultException_with_its_status(int status)
    {
        using var host = BuildHost(Connection(), new() { ["Ai:Provider:MaxRetries"] = "0" });
        _server.FailNext(status);

        var embeddingFailure = await Assert.ThrowsAsync<ClientResultException>(() =>
            host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["x"], cancellationToken: Soon));
        var chatFailure = await Assert.ThrowsAsync<ClientResultException>(() =>
            host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Hello", cancellationToken: Soon));

        Assert.Equal(status, embeddingFailure.Status);
        Assert.Equal(status, chatFailure.Status);
        Assert.Equal(2, _server.Requests.Count); // POSTs: the service defaults' pipeline does not repeat them either
    }

    [Fact]
    public async Task A_429_is_retried_by_the_SDK_as_configured()
    {
        using var host = BuildHost(Connection(), new() { ["Ai:Provider:MaxRetries"] = "2" });
        _server.FailNext(429, count: 2);

        var response = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Hello", cancellationToken: Soon);

        Assert.Equal(FakeOpenAiServer.Reply, response.Text);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task A_wrong_key_is_a_401_exception()
    {
        using var host = BuildHost($"Endpoint={_server.Endpoint};Key=sk-wrong;EmbeddingModel=embed-test");

        var failure = await Assert.ThrowsAsync<ClientResultException>(() =>
            host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["x"], cancellationToken: Soon));

        Assert.Equal(401, failure.Status);
    }

    [Fact]
    public async Task An_endpoint_without_a_key_as_Ollama_has_works_with_a_trailing_slash_too()
    {
        _server.ExpectedKey = null;
        using var host = BuildHost($"Endpoint={_server.Endpoint}/;EmbeddingModel=nomic-embed-text");

        var embedding = await host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync("x", cancellationToken: Soon);

        Assert.Equal(FakeOpenAiServer.VectorOf("x", 0), embedding.Vector.ToArray());
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.StartsWith("Bearer ", request.Authorization);
    }

    [Fact]
    public async Task Requests_go_through_the_IHttpClientFactory_client_named_ai()
    {
        var counter = new CountingHandler();
        using var host = BuildHost(Connection(), before: services =>
            services.AddHttpClient(AiProviderRegistration.HttpClientName).AddHttpMessageHandler(() => counter));

        await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Hello", cancellationToken: Soon);
        await host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>().GenerateAsync(["x"], cancellationToken: Soon);

        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public void Without_a_connection_nothing_remote_is_registered_and_the_models_are_local()
    {
        using var host = BuildHost(connectionString: null);

        Assert.Null(host.Services.GetService<IChatClient>());
        Assert.Null(host.Services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.Equal(AiModels.LocalOnly, host.Services.GetRequiredService<AiModels>());
        Assert.Equal(new AiModelInfo("local", SifEmbeddingGenerator.ModelId), AiModels.LocalOnly.Embeddings);
        Assert.NotNull(host.Services.GetService<PromptTemplates>());
    }

    [Fact]
    public void A_connection_with_only_a_chat_model_keeps_the_embeddings_registered_before_it()
    {
        var local = new SifEmbeddingGenerator(new WordVectors(["the"], [1f], 1));
        using var host = BuildHost(Connection(";Model=gpt-test"), before: services =>
            services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(local));

        Assert.Same(local, host.Services.GetService<IEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(host.Services.GetService<IChatClient>());
        Assert.Equal(new AiModels(new AiModelInfo("openai-compatible", "gpt-test"), AiModelInfo.LocalEmbeddings),
            host.Services.GetRequiredService<AiModels>());
    }

    /// <summary>As Program.cs: service defaults, the local embeddings, then the providers.</summary>
    private static IHost BuildHost(string? connectionString, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? before = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        if (connectionString is not null)
        {
            builder.Configuration["ConnectionStrings:ai"] = connectionString;
        }
        builder.AddServiceDefaults();
        builder.AddLocalEmbeddings();
        before?.Invoke(builder.Services);
        builder.AddCrmAiProviders();
        return builder.Build();
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
