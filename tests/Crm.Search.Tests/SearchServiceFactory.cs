using System.Net.Http.Json;
using Crm.Domain;
using Crm.Domain.Search;
using Crm.Domain.Tenancy;
using Crm.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Crm.Search.Tests;

/// <summary>
/// Crm.Search in-process (indexer, relay and query API) over its own fresh database on the test server, migrated at
/// start as in production, with two workspaces. Records are written with SQL in a workspace's session, as any service
/// writes them, so they reach the index only through the outbox.
/// </summary>
public sealed class SearchServiceFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory has not been initialised.");

    public Guid WorkspaceA { get; } = Guid.CreateVersion7();

    public Guid WorkspaceB { get; } = Guid.CreateVersion7();

    public Guid UserA { get; } = Guid.CreateVersion7();

    public Guid UserB { get; } = Guid.CreateVersion7();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _ = Server; // starts the host: migrations, then the relay and the indexer
        await Database.SeedWorkspacesAsync(WorkspaceA, WorkspaceB, UserA, UserB);
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

    /// <summary>A client of Crm.Search as Crm.Api is: with the deployment's <see cref="ServiceKey.Search"/>.</summary>
    public HttpClient CreateServiceClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(ServiceKey.Search.HeaderName, ServiceKey.Search.From(Services.GetRequiredService<IConfiguration>()));
        return client;
    }

    /// <summary>GET /search in <paramref name="workspaceId"/> with scope "all" unless the query says otherwise.</summary>
    public async Task<SearchResults> SearchAsync(Guid workspaceId, string query)
    {
        var response = await CreateServiceClient().GetAsync(SearchUri(workspaceId, query));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SearchResults>())!;
    }

    public static string SearchUri(Guid workspaceId, string query) =>
        $"/search?workspace={workspaceId}&{(query.Contains("owners=", StringComparison.Ordinal) ? "" : "owners=all&")}{query}";

    /// <summary>Searches until <paramref name="done"/> holds (the indexer has caught up), for at most 30 seconds.</summary>
    public async Task<SearchResults> SearchUntilAsync(Guid workspaceId, string query, Func<SearchResults, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var results = await SearchAsync(workspaceId, query);
            if (done(results))
            {
                return results;
            }
            await Task.Delay(100, deadline.Token);
        }
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
