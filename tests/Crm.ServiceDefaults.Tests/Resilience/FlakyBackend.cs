using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.ServiceDefaults.Tests.Resilience;

/// <summary>
/// A real server at <c>/flaky</c> that answers the first <c>failures</c> requests with <c>failureStatus</c> and the
/// rest with 200 and the request body; and a client host built by <c>AddServiceDefaults()</c> that calls it as
/// <c>http://api</c>.
/// </summary>
public sealed class FlakyBackend : IAsyncDisposable
{
    private readonly RunningApp _server;
    private readonly IHost _clientHost;
    private int _requests;

    private FlakyBackend(RunningApp server, IHost clientHost)
    {
        _server = server;
        _clientHost = clientHost;
    }

    public int Requests => Volatile.Read(ref _requests);

    public IServiceProvider ClientServices => _clientHost.Services;

    public HttpClient CreateClient() => _clientHost.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    /// <summary><paramref name="answer"/> gets the 1-based number of the request and answers it.</summary>
    public static async Task<FlakyBackend> StartAsync(
        Func<int, HttpContext, Task> answer, params (string Key, string Value)[] resilienceSettings)
    {
        FlakyBackend? backend = null;
        var server = await BackendServer.StartAsync(app => app.Map("/flaky", context =>
            answer(Interlocked.Increment(ref backend!._requests), context)));

        var settings = new Dictionary<string, string?>
        {
            ["services:api:http:0"] = server.Address.ToString(),
            ["Resilience:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in resilienceSettings)
        {
            settings[$"Resilience:{key}"] = value;
        }
        backend = new FlakyBackend(server, ServiceHosts.BuildWorker(settings));
        return backend;
    }

    public static Task<FlakyBackend> FailingFirstAsync(int failures, int failureStatus) =>
        StartAsync(async (number, context) =>
        {
            if (number <= failures)
            {
                context.Response.StatusCode = failureStatus;
                return;
            }
            using var reader = new StreamReader(context.Request.Body);
            await context.Response.WriteAsync($"attempt {number}: {await reader.ReadToEndAsync()}");
        });

    public async ValueTask DisposeAsync()
    {
        _clientHost.Dispose();
        await _server.DisposeAsync();
    }
}
