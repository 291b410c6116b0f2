using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Imports;

/// <summary>
/// Cancelling jobs. Each test runs its own hosts over the class's database (the fixture's own host, whose worker could
/// take a job at any moment, is never started), so a job is queued or running exactly when the test says.
/// </summary>
public sealed class ImportCancelTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_cancelled_queued_job_never_runs()
    {
        using var queueOnly = factory.WithWebHostBuilder(b => b.UseSetting("Imports:WorkerEnabled", "false"));
        var owner = await ImportApi.RegisterAsync(queueOnly.CreateClient(), "Cancel queued");
        var queued = await owner.StartAsync("firstName,email\r\nNever,never@cancel.test\r\n");
        var id = ImportApi.Id(queued);

        using (var cancel = await owner.SendAsync(HttpMethod.Post, $"/{id}/cancel"))
        {
            var cancelled = await owner.Companies.ReadAsync(cancel);
            Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
            Assert.NotEqual(System.Text.Json.JsonValueKind.Null, cancelled.GetProperty("finishedAt").ValueKind);
        }
        using (var again = await owner.SendAsync(HttpMethod.Post, $"/{id}/cancel"))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.Conflict);
        }

        // A worker that has run a later job has passed the cancelled one (jobs are claimed oldest first).
        using var workers = factory.WithWebHostBuilder(b => b.UseSetting("Imports:PollInterval", "00:00:00.2"));
        var later = await owner.On(workers.CreateClient()).ImportAsync("firstName,email\r\nLater,later@cancel.test\r\n");
        Assert.Equal("completed", later.GetProperty("status").GetString());
        var job = await owner.GetAsync(id);
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal(0, ImportApi.Count(job, "rowsProcessed"));
        Assert.Equal(["later@cancel.test"], await owner.Contacts.ListEmailsAsync());
    }

    [Fact]
    public async Task A_cancelled_running_job_stops_between_chunks_and_keeps_what_it_imported()
    {
        using var oneRowChunks = factory.WithWebHostBuilder(b => b.UseSetting("Imports:ChunkSize", "1"));
        var owner = await ImportApi.RegisterAsync(oneRowChunks.CreateClient(), "Cancel running");
        var csv = ImportApi.Csv("firstName,email", Enumerable.Range(0, 3000).Select(i => $"P{i},p{i}@running.test"));
        var id = ImportApi.Id(await owner.StartAsync(csv));
        // Running: a chunk has been counted. 3,000 one-row chunks leave the cancel plenty of them to stop before.
        while (ImportApi.Count(await owner.GetAsync(id), "rowsProcessed") == 0)
        {
            await Task.Delay(20);
        }

        using (var cancel = await owner.SendAsync(HttpMethod.Post, $"/{id}/cancel"))
        {
            Assert.Equal("cancelled", (await owner.Companies.ReadAsync(cancel)).GetProperty("status").GetString());
        }

        var job = (await owner.WaitAsync(id))[^1];
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal(ImportApi.Count(job, "rowsProcessed"), ImportApi.Count(job, "rowsCreated"));
        using var list = await owner.Contacts.SendAsync(HttpMethod.Get, "/?includeTotal=true&limit=1");
        Assert.Equal(ImportApi.Count(job, "rowsCreated"), (await owner.Contacts.ReadAsync(list)).GetProperty("total").GetInt64());
    }
}
