using System.Text;

namespace Crm.Api.Tests.Imports;

/// <summary>
/// Jobs whose worker died: left running with a lease that has run out, as a crashed process leaves them (made here with
/// SQL as the schema owner). A worker claims them again and goes on after the rows the dead one counted.
/// </summary>
public sealed class ImportRecoveryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string File = "firstName,email\r\nR1,r1@recovery.test\r\nR2,r2@recovery.test\r\nR3,r3@recovery.test\r\nR4,r4@recovery.test\r\n";

    [Fact]
    public async Task A_job_whose_worker_died_is_resumed_after_the_rows_it_counted()
    {
        using var queueOnly = factory.WithWebHostBuilder(b => b.UseSetting("Imports:WorkerEnabled", "false"));
        var owner = await ImportApi.RegisterAsync(queueOnly.CreateClient(), "Crashed");
        // The dead worker had committed one chunk of two rows (so r1 and r2 would be in the database: they are not,
        // which shows the rows counted are not read again).
        var id = await InsertCrashedJobAsync(owner, processed: 2, attempts: 1);

        using var workers = factory.WithWebHostBuilder(b => b.UseSetting("Imports:PollInterval", "00:00:00.2"));
        var job = (await owner.On(workers.CreateClient()).WaitAsync(id))[^1];

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal((4, 4, 4), (ImportApi.Count(job, "rowsTotal"), ImportApi.Count(job, "rowsProcessed"), ImportApi.Count(job, "rowsCreated")));
        Assert.Equal(["r3@recovery.test", "r4@recovery.test"], (await owner.Contacts.ListEmailsAsync()).Order());
        Assert.Equal(2, await AttemptsAsync(id));
    }

    [Fact]
    public async Task A_job_that_keeps_losing_its_worker_is_given_up()
    {
        using var queueOnly = factory.WithWebHostBuilder(b => b.UseSetting("Imports:WorkerEnabled", "false"));
        var owner = await ImportApi.RegisterAsync(queueOnly.CreateClient(), "Given up");
        var id = await InsertCrashedJobAsync(owner, processed: 0, attempts: 3);

        using var workers = factory.WithWebHostBuilder(b => b.UseSetting("Imports:PollInterval", "00:00:00.2"));
        var job = (await owner.On(workers.CreateClient()).WaitAsync(id))[^1];

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Contains("given up", job.GetProperty("errorMessage").GetString());
        Assert.Empty(await owner.Contacts.ListEmailsAsync());
        await using var files = factory.Database.DataSource.CreateCommand($"SELECT count(*) FROM import_job_files WHERE job_id = '{id}'");
        Assert.Equal(0L, await files.ExecuteScalarAsync());
    }

    private async Task<Guid> InsertCrashedJobAsync(ImportApi owner, int processed, int attempts)
    {
        var id = Guid.CreateVersion7();
        var content = Encoding.UTF8.GetBytes(File);
        await using var batch = factory.Database.DataSource.CreateBatch();
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("""
            INSERT INTO import_jobs (id, workspace_id, object_type, file_name, file_size, status, mapping, rows_total,
                                     rows_processed, rows_created, lease_token, lease_expires_at, attempts, created_by, started_at)
            VALUES ($1, $2, 'contacts', 'crashed.csv', $3, 'running', '{"firstName": "firstName", "email": "email"}', 4,
                    $4, $4, gen_random_uuid(), now() - interval '1 minute', $5, $6, now() - interval '10 minutes')
            """)
        {
            Parameters = { new() { Value = id }, new() { Value = owner.Contacts.WorkspaceId }, new() { Value = (long)content.Length },
                           new() { Value = processed }, new() { Value = attempts }, new() { Value = owner.UserId } },
        });
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand("INSERT INTO import_job_files (job_id, workspace_id, content) VALUES ($1, $2, $3)")
        {
            Parameters = { new() { Value = id }, new() { Value = owner.Contacts.WorkspaceId }, new() { Value = content } },
        });
        await batch.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<int> AttemptsAsync(Guid id)
    {
        await using var command = factory.Database.DataSource.CreateCommand($"SELECT attempts FROM import_jobs WHERE id = '{id}'");
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
