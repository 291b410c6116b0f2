using System.Net;
using System.Text.Json;
using Crm.AppHost.Local;
using Npgsql;

namespace Crm.SystemTests;

/// <summary>
/// README's run command, end to end: the AppHost starts PostgreSQL, Redis and the four services; every service
/// reports healthy; the web reaches the API through service discovery; the printed demo login signs in; a signal
/// stops everything and leaves no process behind; a second run reuses the data.
/// </summary>
public sealed class LocalAppHostTests
{
    private static readonly string[] Services = ["api", "search", "aiworker", "web"];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Every_service_is_healthy_and_SIGTERM_leaves_no_process_behind()
    {
        using var data = new TemporaryDataDirectory();
        var run = await AppHostRun.StartAsync(data.Path, demo: true);
        await using (run)
        {
            foreach (var service in Services)
            {
                var baseUrl = run.Addresses[$"CRM_{service.ToUpperInvariant()}_URL"];

                using var health = await _http.GetAsync($"{baseUrl}/health");
                var report = await health.Content.ReadAsStringAsync();
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"{service} /health answered {health.StatusCode}: {report}\n{run.Output}");
                using var json = JsonDocument.Parse(report);
                Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());

                using var alive = await _http.GetAsync($"{baseUrl}/alive");
                Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            }

            // Each service's health covers the dependencies it uses.
            var apiChecks = await HealthCheckNamesAsync(run.Addresses["CRM_API_URL"]);
            Assert.Superset(new HashSet<string> { "self", "crmdb", "redis" }, apiChecks);
            Assert.Contains("api", await HealthCheckNamesAsync(run.Addresses["CRM_WEB_URL"]));
            Assert.Contains("job-loop", await HealthCheckNamesAsync(run.Addresses["CRM_AIWORKER_URL"]));

            // The web answers with its sign-in page (its "api" check above reaches the API through service discovery).
            var page = await _http.GetStringAsync(run.Addresses["CRM_WEB_URL"]);
            Assert.Contains("<h1>Sign in</h1>", page);

            // The demo login printed next to the status table (its password generated into secrets.json) signs in. The
            // user is created at once; the fill goes on in the background and is rolled back by the stop below.
            var demoPassword = await DemoSignIn.PasswordAsync(data.Path);
            Assert.Contains($"as {DemoLogin.DefaultEmail} with password {demoPassword}", run.Output);
            using var login = await DemoSignIn.PostAsync(_http, run.Addresses["CRM_API_URL"], demoPassword);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);

            Assert.NotEmpty(LeftoverProcesses.Find(data.Path));
            Assert.Equal(0, await run.StopAsync(StopSignal.Terminate));
        }

        Assert.Empty(LeftoverProcesses.Find(data.Path));
        foreach (var service in Services)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => _http.GetAsync($"{run.Addresses[$"CRM_{service.ToUpperInvariant()}_URL"]}/alive"));
        }
    }

    [Fact]
    public async Task A_second_run_reuses_the_data_a_concurrent_one_is_refused_and_Ctrl_C_stops_it()
    {
        using var data = new TemporaryDataDirectory();

        await using (var first = await AppHostRun.StartAsync(data.Path))
        {
            Assert.Contains("initialising a PostgreSQL data directory", first.Output);
            Assert.DoesNotContain("Demo workspace", first.Output);
            await ExecuteAsync(first.Addresses["CRM_POSTGRES_OWNER"], "CREATE TABLE survives_restart (id int); INSERT INTO survives_restart VALUES (42)");
            Assert.Equal(0, await first.StopAsync(StopSignal.CtrlC));
        }
        Assert.Empty(LeftoverProcesses.Find(data.Path));

        await using var second = await AppHostRun.StartAsync(data.Path);
        Assert.DoesNotContain("initialising a PostgreSQL data directory", second.Output);
        await using (var dataSource = NpgsqlDataSource.Create(second.Addresses["CRM_POSTGRES_OWNER"]))
        {
            Assert.Equal(42, await dataSource.CreateCommand("SELECT id FROM survives_restart").ExecuteScalarAsync());
            Assert.Equal(1L, await dataSource.CreateCommand("SELECT count(*) FROM schema_migrations WHERE version = '0001'").ExecuteScalarAsync());
        }

        // A second AppHost on the same data directory must not mistake the running one's processes for leftovers.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => AppHostRun.StartAsync(data.Path));
        Assert.Contains("Another AppHost is running", refused.Message);
        using (var health = await _http.GetAsync($"{second.Addresses["CRM_API_URL"]}/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(0, await second.StopAsync(StopSignal.CtrlC));
        Assert.Empty(LeftoverProcesses.Find(data.Path));
    }

    private async Task<HashSet<string>> HealthCheckNamesAsync(string baseUrl)
    {
        using var json = JsonDocument.Parse(await _http.GetStringAsync($"{baseUrl}/health"));
        return json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToHashSet();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await dataSource.CreateCommand(sql).ExecuteNonQueryAsync();
    }
}
