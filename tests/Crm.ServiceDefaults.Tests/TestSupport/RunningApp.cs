using Microsoft.AspNetCore.Builder;

namespace Crm.ServiceDefaults.Tests.TestSupport;

/// <summary>A WebApplication listening on a free loopback port; stopped and disposed together.</summary>
public sealed class RunningApp : IAsyncDisposable
{
    private RunningApp(WebApplication app)
    {
        App = app;
        // Kestrel replaces the requested "port 0" address with the one it bound.
        Address = new Uri(app.Urls.Single());
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<RunningApp> StartAsync(WebApplication app)
    {
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new RunningApp(app);
    }

    /// <summary>A plain client without the pipeline under test, so the raw status codes are seen.</summary>
    public HttpClient CreatePlainClient() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
