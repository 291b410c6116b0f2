using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ServiceDefaults.Tests.Discovery;

/// <summary>Clients from <c>AddServiceDefaults()</c> call logical addresses such as <c>http://api</c>.</summary>
public sealed class ServiceDiscoveryHttpClientTests
{
    [Fact]
    public async Task A_default_client_reaches_the_configured_endpoint_of_a_logical_name()
    {
        await using var api = await BackendServer.StartAsync(app =>
            app.MapGet("/ping", (HttpRequest request) => $"pong {request.Query["n"]}"));
        using var host = ServiceHosts.BuildWorker([new("services:api:http:0", api.Address.ToString())]);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var response = await client.GetAsync(new Uri("http://api/ping?n=7"));

        response.EnsureSuccessStatusCode();
        Assert.Equal("pong 7", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_retry_goes_to_the_next_replica()
    {
        var failingCalls = 0;
        var healthyCalls = 0;
        await using var failing = await BackendServer.StartAsync(app => app.MapGet("/x", () =>
        {
            Interlocked.Increment(ref failingCalls);
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }));
        await using var healthy = await BackendServer.StartAsync(app => app.MapGet("/x", () =>
        {
            Interlocked.Increment(ref healthyCalls);
            return "ok";
        }));
        using var host = ServiceHosts.BuildWorker(
        [
            new("services:api:http:0", failing.Address.ToString()),
            new("services:api:http:1", healthy.Address.ToString()),
            new("Resilience:RetryBaseDelay", "00:00:00.010"),
        ]);
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        var response = await client.GetAsync(new Uri("http://api/x"));

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, failingCalls);
        Assert.Equal(1, healthyCalls);
    }
}
