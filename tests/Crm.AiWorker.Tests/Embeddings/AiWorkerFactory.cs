using Crm.Domain;
using Crm.Domain.Tenancy;
using Crm.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>
/// Crm.AiWorker in-process (the outbox consumer "embeddings", the backfill and POST /embeddings) over its own fresh
/// database on the test server, migrated at start as in production, with two workspaces and the real local word vectors
/// (scripts/setup.sh downloads them). Records are written with SQL in a workspace's session, as any service writes
/// them, so they reach the embeddings only through the outbox. Subclasses add settings (a remote model) by overriding
/// <see cref="ConfigureWebHost"/> and start what the host needs before it in <see cref="InitializeAsync"/>.
/// </summary>
public class AiWorkerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>How long a test waits for the worker to catch up (a deadline against hanging, not a timing assertion).</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory has not been initialised.");

    public Guid WorkspaceA { get; } = Guid.CreateVersion7();

    public Guid WorkspaceB { get; } = Guid.CreateVersion7();

    public Guid UserA { get; } = Guid.CreateVersion7();

    public virtual async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _ = Server; // starts the host: migrations, then the relay, the embeddings consumer and the backfill
        await Database.SeedWorkspacesAsync(WorkspaceA, WorkspaceB, UserA);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in TestServers.ServiceSettings(Database))
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>Runs <paramref name="sql"/> in a session of <paramref name="workspaceId"/> (row-level security applies).</summary>
    public async Task ExecuteAsync(Guid workspaceId, string sql)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await new TenantSession(workspaceId, null).ApplyAsync(connection);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="sql"/> with its parameters in a session of <paramref name="workspaceId"/>; @workspace is that workspace.</summary>
    public async Task<int> ExecuteAsync(Guid workspaceId, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await new TenantSession(workspaceId, null).ApplyAsync(connection);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.Parameters.AddWithValue("workspace", workspaceId);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="action"/> with a context of the worker acting for <paramref name="workspaceId"/>, as its jobs do.</summary>
    public async Task<T> InWorkspaceAsync<T>(Guid workspaceId, Func<CrmDbContext, Task<T>> action)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(workspaceId, null));
        return await action(db);
    }

    /// <summary>The stored embeddings of <paramref name="ids"/> (any workspace: read as the database owner).</summary>
    public async Task<Dictionary<Guid, EmbeddingRow>> EmbeddingsAsync(IReadOnlyCollection<Guid> ids)
    {
        await using var command = Database.DataSource.CreateCommand(
            """
            SELECT entity_id, workspace_id, entity_type, model, dimensions, content_hash, vector_dims(embedding), vector_norm(embedding)
            FROM embeddings WHERE entity_id = ANY(@ids)
            """);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        var rows = new Dictionary<Guid, EmbeddingRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = new EmbeddingRow(reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetDouble(7));
        }
        return rows;
    }

    /// <summary>
    /// Reads the embeddings of <paramref name="ids"/> until <paramref name="done"/> holds (the consumer has caught up);
    /// fails with what it last saw after <see cref="Patience"/>.
    /// </summary>
    public async Task<Dictionary<Guid, EmbeddingRow>> EmbeddingsUntilAsync(IReadOnlyCollection<Guid> ids, Func<Dictionary<Guid, EmbeddingRow>, bool> done)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            var rows = await EmbeddingsAsync(ids);
            if (done(rows))
            {
                return rows;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"The embeddings did not reach the expected state within {Patience}: {rows.Count} of {ids.Count} rows " +
                            $"({string.Join(", ", rows.Select(r => $"{r.Key}: {r.Value.ContentHash}"))}).");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until every one of <paramref name="ids"/> has a vector.</summary>
    public Task<Dictionary<Guid, EmbeddingRow>> EmbeddedAsync(IReadOnlyCollection<Guid> ids) =>
        EmbeddingsUntilAsync(ids, rows => ids.All(rows.ContainsKey));

    /// <summary>A client of the worker as Crm.Api is: with the deployment's <see cref="ServiceKey.Ai"/>.</summary>
    public HttpClient CreateServiceClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ServiceKey.Ai.HeaderName, ServiceKey.Ai.From(Services.GetRequiredService<IConfiguration>()));
        return client;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>An embeddings row as the tests read it; <c>StoredDimensions</c> and <c>Norm</c> are of the vector itself.</summary>
public sealed record EmbeddingRow(
    Guid WorkspaceId, string EntityType, string Model, int Dimensions, string ContentHash, int StoredDimensions, double Norm);
