using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Features.Auth;
using Crm.Api.Features.Demo;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Deals;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Demo;

/// <summary>
/// The demo workspace (<see cref="DemoWorkspace"/>) on a real database, with small counts. Each test starts an API with
/// <c>Demo:Enabled</c>, whose hosted service fills the workspace at start, and calls the filler itself as well: the
/// second caller waits for the first (the workspace row lock) and finds the workspace filled.
/// </summary>
public sealed class DemoWorkspaceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Email = "demo@crm.local";
    private const string Password = "Demo!Passw0rd";

    private static readonly Dictionary<string, int> Counts = new()
    {
        ["companies"] = 40, ["contacts"] = 100, ["leads"] = 30, ["deals"] = 28, ["activities"] = 150, ["notes"] = 40,
    };

    [Fact]
    public async Task The_demo_login_works_and_its_workspace_holds_the_configured_records_over_every_stage()
    {
        await using var host = DemoHost();
        var workspaceId = await FillAsync(host);

        var api = await SignInAsync(host, Password);
        Assert.Equal(workspaceId, api.WorkspaceId);
        var counts = await CountAsync(workspaceId);
        foreach (var (table, expected) in Counts)
        {
            Assert.Equal((long)expected, counts[table]);
        }
        Assert.Equal(6L, counts["tags"]);
        Assert.True(counts["taggings"] > 0);
        // Most contacts work at one of the companies.
        Assert.True(await ScalarAsync("SELECT count(*) FROM contacts WHERE workspace_id = $1 AND company_id IS NULL", workspaceId) < counts["contacts"] / 2);

        using var pipelines = await api.Pipelines.SendAsync(HttpMethod.Get, "/");
        var pipeline = Assert.Single((await api.Pipelines.ReadAsync(pipelines)).GetProperty("data").EnumerateArray());
        var board = await api.BoardAsync(pipeline.GetProperty("id").GetGuid());
        var columns = board.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["New", "Contacted", "Qualified", "Proposal", "Negotiation", "Closed Won", "Closed Lost"],
            columns.Select(c => c.GetProperty("stage").GetProperty("name").GetString()));
        Assert.All(columns, c => Assert.True(c.GetProperty("dealCount").GetInt32() > 0, c.GetProperty("stage").GetProperty("name").GetString()));
        Assert.Equal(Counts["deals"], columns.Sum(c => c.GetProperty("dealCount").GetInt32()));
    }

    [Fact]
    public async Task Deals_have_the_stage_history_their_moves_wrote_and_closed_deals_their_outcome()
    {
        await using var host = DemoHost();
        var workspaceId = await FillAsync(host);

        // Each deal's latest history entry is its stage; its first is the pipeline's first stage, entered at creation.
        Assert.Equal(0L, await ScalarAsync(
            """
            SELECT count(*) FROM deals d
            WHERE d.workspace_id = $1 AND d.stage_id IS DISTINCT FROM
                (SELECT h.to_stage_id FROM deal_stage_history h WHERE h.deal_id = d.id ORDER BY h.changed_at DESC, h.id DESC LIMIT 1)
            """, workspaceId));
        Assert.Equal(0L, await ScalarAsync(
            """
            SELECT count(*) FROM deal_stage_history h JOIN pipeline_stages s ON s.id = h.to_stage_id
            WHERE h.workspace_id = $1 AND h.from_stage_id IS NULL AND s.position <> 1
            """, workspaceId));
        Assert.Equal(0L, await ScalarAsync(
            """
            SELECT count(*) FROM deals d JOIN pipeline_stages s ON s.id = d.stage_id
            WHERE d.workspace_id = $1 AND NOT CASE s.kind
                WHEN 'won' THEN d.status = 'won' AND d.probability = 100 AND d.actual_close_date IS NOT NULL AND d.won_reason IS NOT NULL
                WHEN 'lost' THEN d.status = 'lost' AND d.probability = 0 AND d.actual_close_date IS NOT NULL
                ELSE d.status = 'open' AND d.probability = s.default_probability AND d.expected_close_date >= current_date AND d.actual_close_date IS NULL
            END
            """, workspaceId));
        Assert.True(await ScalarAsync("SELECT count(*) FROM deal_stage_history WHERE workspace_id = $1 AND from_stage_id IS NOT NULL", workspaceId) > 0);
        Assert.True(await ScalarAsync("SELECT count(*) FROM activities WHERE workspace_id = $1 AND occurred_at > now()", workspaceId) > 0);
        Assert.True(await ScalarAsync("SELECT count(*) FROM activities WHERE workspace_id = $1 AND status = 'completed'", workspaceId) > 0);
    }

    [Fact]
    public async Task Filling_again_or_restarting_the_api_changes_nothing()
    {
        Guid workspaceId;
        Dictionary<string, long> before;
        await using (var host = DemoHost())
        {
            workspaceId = await FillAsync(host);
            before = await CountAsync(workspaceId);
            Assert.Equal(workspaceId, await FillAsync(host));
        }
        await using (var restarted = DemoHost())
        {
            Assert.Equal(workspaceId, await FillAsync(restarted));
        }

        Assert.Equal(before, await CountAsync(workspaceId));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM users WHERE normalized_email = upper($1)", Email));
        Assert.Equal(1L, await ScalarAsync("SELECT count(*) FROM workspace_members m JOIN users u ON u.id = m.user_id WHERE u.normalized_email = upper($1)", Email));
    }

    [Fact]
    public async Task Demo_records_are_read_and_changed_through_the_api_like_any_other()
    {
        await using var host = DemoHost();
        await FillAsync(host);
        var api = await SignInAsync(host, Password);

        foreach (var (resource, query, patch) in new (CompanyApi, string, object)[]
                 {
                     (api.Companies, "", new { priority = "high" }),
                     (api.Contacts, "", new { department = "Finance" }),
                     (api.Companies.WithResource("/api/v1/leads"), "&filter[status]=new", new { timeline = "Next quarter" }),
                     (api.Deals, "&filter[status]=open", new { nextStep = "Call the champion" }),
                     (api.Deals, "&filter[status]=won", new { description = "Signed after the pilot" }),
                     (api.Deals, "&filter[status]=lost", new { competitor = "Zoho" }),
                     (api.Companies.WithResource("/api/v1/activities"), "", new { priority = "urgent" }),
                     (api.Companies.WithResource("/api/v1/notes"), "", new { isPinned = true }),
                 })
        {
            using var list = await resource.SendAsync(HttpMethod.Get, $"/?limit=3{query}");
            var records = (await resource.ReadAsync(list)).GetProperty("data").EnumerateArray().ToList();
            Assert.Equal(3, records.Count);
            foreach (var record in records)
            {
                var id = record.GetProperty("id").GetGuid();
                using var get = await resource.SendAsync(HttpMethod.Get, $"/{id}");
                using var change = await resource.SendAsync(HttpMethod.Patch, $"/{id}", patch, get.Headers.ETag!.ToString());
                var body = await change.Content.ReadAsStringAsync();
                Assert.True(change.StatusCode == HttpStatusCode.OK, $"PATCH {id} {JsonSerializer.Serialize(patch)}: {body}");
            }
        }
    }

    [Fact]
    public async Task A_changed_demo_password_replaces_the_old_one()
    {
        await using (var host = DemoHost())
        {
            await FillAsync(host);
        }
        await using var changed = DemoHost("Other!Passw0rd");
        await FillAsync(changed);

        var client = changed.CreateClient();
        using (var old = await AuthApi.PostLoginAsync(client, Email, Password))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }
        await SignInAsync(changed, "Other!Passw0rd");
    }

    [Fact]
    public void Demo_enabled_without_a_password_stops_the_api_at_start_saying_so()
    {
        using var host = factory.WithWebHostBuilder(b => b.UseSetting("Demo:Enabled", "true").UseSetting("Demo:Password", ""));

        var failure = Record.Exception(() => host.CreateClient());

        Assert.NotNull(failure);
        Assert.Contains("Demo:Password is required", failure.ToString());
    }

    /// <summary>The API with the demo on, over this class's database, with <see cref="Counts"/>.</summary>
    private WebApplicationFactory<Program> DemoHost(string password = Password) => factory.WithWebHostBuilder(builder =>
    {
        builder.UseSetting("Demo:Enabled", "true");
        builder.UseSetting("Demo:Email", Email);
        builder.UseSetting("Demo:Password", password);
        foreach (var (table, count) in Counts)
        {
            builder.UseSetting($"Demo:{char.ToUpperInvariant(table[0])}{table[1..]}", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    });

    private static Task<Guid> FillAsync(WebApplicationFactory<Program> host) =>
        host.Services.GetRequiredService<DemoWorkspace>().EnsureAsync(CancellationToken.None);

    private static async Task<DealApi> SignInAsync(WebApplicationFactory<Program> host, string password)
    {
        var client = host.CreateClient();
        using var login = await AuthApi.PostLoginAsync(client, Email, password);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = (await login.Content.ReadFromJsonAsync<AuthTokenResponse>())!;
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        return new DealApi(new CompanyApi(client, tokens.AccessToken, me.UserId, tokens.Workspace.Id));
    }

    private async Task<Dictionary<string, long>> CountAsync(Guid workspaceId)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Counts.Keys.Concat(["tags", "taggings", "pipelines", "pipeline_stages", "deal_stage_history"]))
        {
            counts[table] = await ScalarAsync($"SELECT count(*) FROM {table} WHERE workspace_id = $1", workspaceId);
        }
        return counts;
    }

    /// <summary>A count as the database owner (no row-level security).</summary>
    private async Task<long> ScalarAsync(string sql, object parameter)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
