using Crm.AiWorker.Features.Summaries;
using Crm.AiWorker.Tests.Embeddings;
using Crm.AiWorker.Tests.Providers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.AiWorker.Tests.Summaries;

/// <summary>
/// The worker with a chat model: <c>ConnectionStrings:ai</c> points at a <see cref="FakeOpenAiServer"/> (real HTTP, the
/// OpenAI wire format), with no SDK retries so that a failing server fails a request at once. <see cref="SummaryRetries"/>
/// does not run on its timer here: the tests run it (<see cref="Retries"/>) when they have made a retry due, so that
/// the timer cannot take the task first.
/// </summary>
public sealed class LlmWorkerFactory : AiWorkerFactory
{
    public const string Model = "gpt-test";

    private FakeOpenAiServer? _fake;

    public FakeOpenAiServer Fake => _fake ?? throw new InvalidOperationException("The factory has not been initialised.");

    public SummaryRetries Retries => Services.GetRequiredService<SummaryRetries>();

    public override async Task InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:ai", $"Endpoint={Fake.Endpoint};Key={FakeOpenAiServer.Key};Model={Model}");
        builder.UseSetting("Ai:Provider:MaxRetries", "0");
        builder.ConfigureTestServices(services =>
        {
            var hosted = services.Single(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(SummaryRetries));
            services.Remove(hosted);
            services.AddSingleton<SummaryRetries>();
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
            _fake = null;
        }
    }
}
