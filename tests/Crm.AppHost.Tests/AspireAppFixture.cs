namespace Crm.AppHost.Tests;

/// <summary>
/// Starts Crm.AppHost's Aspire app model once per test class: PostgreSQL (pgvector), Redis and Elasticsearch as
/// containers, the four services as projects. Needs Docker or Podman, like `dotnet run` in aspire mode.
/// </summary>
public sealed class AspireAppFixture : IAsyncLifetime
{
    /// <summary>Generous because the first run pulls the container images.</summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(10);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The Aspire app has not started.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Crm_AppHost>(timeout.Token);
        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
