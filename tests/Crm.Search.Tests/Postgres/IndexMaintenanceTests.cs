using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Search.Tests.Postgres;

/// <summary>The consistency check finds what differs between index and records, and the rebuild repairs it.</summary>
public sealed class IndexMaintenanceTests(SearchServiceFactory search) : IClassFixture<SearchServiceFactory>
{
    [Fact]
    public async Task The_check_reports_drift_and_the_rebuild_repairs_it_with_progress()
    {
        var (kept, lost, changed) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await search.ExecuteAsync(search.WorkspaceA, $"""
            INSERT INTO contacts (id, workspace_id, first_name, last_name) VALUES
                ('{kept}', '{search.WorkspaceA}', 'Kept', 'Driftless'), ('{lost}', '{search.WorkspaceA}', 'Lost', 'Driftless'),
                ('{changed}', '{search.WorkspaceA}', 'Changed', 'Driftless');
            """);
        await search.SearchUntilAsync(search.WorkspaceA, "q=driftless", r => r.Data.Count == 3);
        var http = search.CreateServiceClient();
        Assert.True((await CheckAsync(http)).GetProperty("inSync").GetBoolean());

        // Drift behind the indexer's back: a document removed, one edited, one of a record that never existed.
        await using (var command = search.Database.DataSource.CreateCommand($"""
            DELETE FROM search_documents WHERE id = '{lost}';
            UPDATE search_documents SET title = 'Tampered', fingerprint = 'x' WHERE id = '{changed}';
            INSERT INTO search_documents (workspace_id, type, id, title, updated_at, fingerprint, search_vector)
                VALUES ('{search.WorkspaceA}', 'contact', '{Guid.CreateVersion7()}', 'Ghost', now(), 'x', to_tsvector('simple', 'ghost'));
            """))
        {
            await command.ExecuteNonQueryAsync();
        }
        var drift = await CheckAsync(http);
        Assert.False(drift.GetProperty("inSync").GetBoolean());
        Assert.Equal((1, 1, 1), (drift.GetProperty("missing").GetInt32(), drift.GetProperty("stale").GetInt32(), drift.GetProperty("orphaned").GetInt32()));

        using var started = await http.PostAsync("/index/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = await UntilAsync(http, s => s.GetProperty("state").GetString() is "Completed" or "Failed");
        Assert.True(status.GetProperty("state").GetString() == "Completed", status.ToString());
        Assert.True(status.GetProperty("documents").GetInt64() >= 3);

        Assert.True((await CheckAsync(http)).GetProperty("inSync").GetBoolean());
        var results = await search.SearchAsync(search.WorkspaceA, "q=driftless");
        Assert.Equal(new[] { kept, lost, changed }.Order(), results.Data.Select(h => h.Id).Order());
        Assert.Empty((await search.SearchAsync(search.WorkspaceA, "q=ghost")).Data);
    }

    private async Task<JsonElement> CheckAsync(HttpClient http) =>
        await http.GetFromJsonAsync<JsonElement>($"/index/check?workspace={search.WorkspaceA}");

    private static async Task<JsonElement> UntilAsync(HttpClient http, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var status = await http.GetFromJsonAsync<JsonElement>("/index/rebuild", deadline.Token);
            if (done(status))
            {
                return status;
            }
            await Task.Delay(100, deadline.Token);
        }
    }
}
