using System.Net;
using System.Text.Json;
using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Tests.TestSupport;
using Crm.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Crm.ServiceDefaults.Tests.Health;

/// <summary><c>/health</c> and <c>/alive</c> of a service using the real test PostgreSQL and Redis.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_is_200_and_names_every_dependency_when_they_all_answer()
    {
        await using var service = await StartServiceAsync(TestServers.PostgresConnectionString);
        using var client = service.CreatePlainClient();

        var (status, body) = await GetAsync(client, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(
            new Dictionary<string, string> { ["crmdb"] = "Healthy", ["redis"] = "Healthy", ["self"] = "Healthy" },
            Checks(body));
    }

    [Fact]
    public async Task Alive_is_200_and_runs_only_the_liveness_check()
    {
        await using var service = await StartServiceAsync(TestServers.PostgresConnectionString);
        using var client = service.CreatePlainClient();

        var (status, body) = await GetAsync(client, "/alive");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(new Dictionary<string, string> { ["self"] = "Healthy" }, Checks(body));
    }

    [Fact]
    public async Task An_unreachable_database_makes_health_503_without_a_stack_trace_while_alive_stays_200()
    {
        await using var service = await StartServiceAsync("Host=127.0.0.1;Port=1;Username=postgres;Database=postgres;Timeout=3");
        using var client = service.CreatePlainClient();

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
        var checks = Checks(json.RootElement);
        Assert.Equal("Unhealthy", checks["crmdb"]);
        Assert.Equal("Healthy", checks["redis"]);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);

        var (aliveStatus, alive) = await GetAsync(client, "/alive");
        Assert.Equal(HttpStatusCode.OK, aliveStatus);
        Assert.Equal(new Dictionary<string, string> { ["self"] = "Healthy" }, Checks(alive));
    }

    [Fact]
    public async Task A_service_that_can_do_without_Redis_reports_it_unreachable_as_degraded_and_stays_200()
    {
        await using var service = await StartServiceAsync(TestServers.PostgresConnectionString, "127.0.0.1:1,connectTimeout=500", HealthStatus.Degraded);
        using var client = service.CreatePlainClient();

        var (status, body) = await GetAsync(client, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<string, string> { ["crmdb"] = "Healthy", ["redis"] = "Degraded", ["self"] = "Healthy" }, Checks(body));
    }

    private static Task<RunningApp> StartServiceAsync(
        string databaseConnectionString, string? redisConnectionString = null, HealthStatus whenRedisUnreachable = HealthStatus.Unhealthy) =>
        ServiceHosts.StartWebServiceAsync(
            Environments.Production,
            [
                new("ConnectionStrings:crmdb", databaseConnectionString),
                new("ConnectionStrings:redis", redisConnectionString ?? TestServers.RedisConnectionString),
            ],
            addClients: builder =>
            {
                builder.AddCrmDataSource();
                builder.AddCrmRedis(whenUnreachable: whenRedisUnreachable);
            });

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.Clone());
    }

    private static Dictionary<string, string> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(
            check => check.GetProperty("name").GetString()!,
            check => check.GetProperty("status").GetString()!);
}
