using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.AppHost.Local;
using Npgsql;

namespace Crm.SystemTests;

/// <summary>
/// One AppHost run with the small demo workspace, shared by the reliability tests that leave the app running when
/// they are done (a killed service is started again, PostgreSQL comes back by itself): one start instead of one per
/// test keeps the suite short. Gives them the demo user's API client, a superuser connection to the database (which
/// row-level security does not limit, to compare what the services did with what is there), and the means to kill a
/// service and start it again as the AppHost started it.
/// </summary>
public sealed class ReliabilityRun : IAsyncLifetime
{
    /// <summary>How long the services get to handle a burst, or to come back; far more than they need.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    private readonly TemporaryDataDirectory _data = new();
    private readonly List<RestartedProcess> _restarted = [];

    internal AppHostRun Run { get; private set; } = null!;

    internal HttpClient Api { get; private set; } = null!;

    /// <summary>The database as its owner (a superuser): sees every workspace's rows.</summary>
    internal NpgsqlDataSource Database { get; private set; } = null!;

    internal Guid WorkspaceId { get; private set; }

    public async Task InitializeAsync()
    {
        Run = await AppHostRun.StartAsync(_data.Path, demo: true);
        Api = await DemoSignIn.ClientAsync(Run.Addresses["CRM_API_URL"], _data.Path);
        Database = NpgsqlDataSource.Create(Run.Addresses["CRM_POSTGRES_OWNER"]);
        WorkspaceId = (await Api.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("workspace").GetProperty("id").GetGuid();
    }

    public async Task DisposeAsync()
    {
        foreach (var restarted in _restarted)
        {
            await restarted.DisposeAsync();
        }
        Api?.Dispose();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
        if (Run is not null)
        {
            await Run.DisposeAsync();
        }
        _data.Dispose();
    }

    /// <summary>How the AppHost started the service (Crm.Search, Crm.AiWorker) as it runs now, for <see cref="KillAndRestart"/>.</summary>
    internal ProcessLaunch Launch(string service) => ProcessLaunch.Read(Processes.Find(LeftoverProcesses.Find(_data.Path), $"/{service}.dll"));

    /// <summary>SIGKILLs the service and starts it again the same way, as an orchestrator restarts a crashed container.</summary>
    internal void KillAndRestart(ProcessLaunch launch)
    {
        Processes.Kill(launch.Pid);
        _restarted.Add(launch.Start());
    }

    /// <summary>What the AppHost and the restarted services printed, for failure messages.</summary>
    internal string Output => string.Join("\n", [Run.Output, .. _restarted.Select(r => $"--- restarted process {r.Pid}:\n{r.Output}")]);

    /// <summary>One value from the database; <c>@workspace</c> is the demo workspace, <paramref name="parameters"/> name others.</summary>
    internal async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        command.Parameters.AddWithValue("workspace", WorkspaceId);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Waits until every event has been stamped by the relay and <paramref name="consumers"/> have all moved their
    /// cursor to the last position, and returns that position.
    /// </summary>
    internal async Task<long> WaitForConsumersAsync(params string[] consumers)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = Database.CreateCommand(
                """
                SELECT (SELECT count(*) FROM outbox_events WHERE position IS NULL),
                       (SELECT coalesce(max(position), 0) FROM outbox_events),
                       (SELECT coalesce(min(position), -1) FROM outbox_consumers WHERE name = ANY(@consumers)),
                       (SELECT count(*) FROM outbox_consumers WHERE name = ANY(@consumers)),
                       (SELECT string_agg(name || ' at ' || position, ', ') FROM outbox_consumers)
                """);
            command.Parameters.AddWithValue("consumers", consumers);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (unstamped, last, slowest, found) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            if (unstamped == 0 && found == consumers.Length && slowest >= last)
            {
                return last;
            }
            Assert.True(deadline.Elapsed < Deadline,
                $"Consumers {string.Join(", ", consumers)} did not catch up within {Deadline}: {unstamped} events unstamped, last position {last}, " +
                $"consumers: {reader.GetString(4)}\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Uploads a CSV import (POST /api/v1/imports) and returns the job's id.</summary>
    internal async Task<Guid> StartImportAsync(string objectType, string csv)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", $"{objectType}.csv");
        form.Add(new StringContent(objectType), "objectType");
        using var response = await Api.PostAsync("/api/v1/imports", form);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Waits for an import to end (read from the database, to keep within the API's rate limit) and returns its rows created.</summary>
    internal async Task<int> WaitForImportAsync(Guid job)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using var command = Database.CreateCommand("SELECT status, rows_created, error_message FROM import_jobs WHERE id = @job");
            command.Parameters.AddWithValue("job", job);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"import {job} not found");
            var status = reader.GetString(0);
            if (status is "completed" or "failed" or "cancelled")
            {
                Assert.True(status == "completed", $"import {job} {status}: {(reader.IsDBNull(2) ? "" : reader.GetString(2))}");
                return reader.GetInt32(1);
            }
            Assert.True(deadline.Elapsed < Deadline, $"import {job} still {status} after {Deadline}\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, and returns how long that took.</summary>
    internal async Task<TimeSpan> WaitUntilAsync(string what, Func<Task<bool>> condition, int pollMilliseconds = 100)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < Deadline, $"{what}: not within {Deadline}\n{Output}");
            await Task.Delay(pollMilliseconds);
        }
        return watch.Elapsed;
    }
}
