using System.Net;
using Crm.Api.Tests.Auth;
using Npgsql;

namespace Crm.Api.Tests.Leads;

public sealed class LeadScoreHistoryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_score_change_is_recorded_with_the_change_newest_first_and_the_changes_add_up_to_the_score()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(new { firstName = "Scored", score = 30 });
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, (await api.GetAsync(id)).GetProperty("scoreUpdatedAt").ValueKind);

        (await api.SendAsync(HttpMethod.Patch, $"/{id}", new { score = 70 }, await api.ETagOfAsync(id))).Dispose();
        (await api.SendAsync(HttpMethod.Patch, $"/{id}", new { title = "CTO" }, await api.ETagOfAsync(id))).Dispose();
        using (var stale = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { score = 99 }, "\"1\""))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        (await api.SendAsync(HttpMethod.Patch, $"/{id}", new { score = 55 }, await api.ETagOfAsync(id))).Dispose();

        var history = await api.ScoreHistoryAsync(id);
        Assert.Equal([(70, 55, -15), (30, 70, 40), (0, 30, 30)],
            history.Select(h => (h.GetProperty("oldScore").GetInt32(), h.GetProperty("newScore").GetInt32(), h.GetProperty("change").GetInt32())));
        Assert.All(history, h =>
        {
            Assert.Equal("manual", h.GetProperty("reason").GetString());
            Assert.Equal(api.UserId, h.GetProperty("changedBy").GetGuid());
            Assert.Equal(id, h.GetProperty("leadId").GetGuid());
            Assert.Equal(0, h.GetProperty("factors").GetArrayLength());
        });
        Assert.Equal(55, history.Sum(h => h.GetProperty("change").GetInt32()));

        using var firstPage = await api.SendAsync(HttpMethod.Get, $"/{id}/score-history?limit=2");
        var page = await api.ReadAsync(firstPage);
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        var next = await api.ScoreHistoryAsync(id, $"?limit=2&cursor={Uri.EscapeDataString(page.GetProperty("nextCursor").GetString()!)}");
        Assert.Equal([30], next.Select(h => h.GetProperty("newScore").GetInt32()));
        Assert.Single(await api.ScoreHistoryAsync(id, "?filter[changedAt][gte]=2000-01-01T00:00:00Z&limit=1"));
        using var badFilter = await api.SendAsync(HttpMethod.Get, $"/{id}/score-history?filter[reason]=guess");
        await AuthApi.AssertProblemAsync(badFilter, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_lead_created_at_score_0_has_no_history_and_a_missing_lead_has_none_to_read()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(new { firstName = "Unscored" });
        Assert.Empty(await api.ScoreHistoryAsync(id));
        using (var batch = await api.SendAsync(HttpMethod.Post, "/batch", new { items = new object[] { new { firstName = "A", score = 10 }, new { firstName = "B" } } }))
        {
            var created = (await api.ReadAsync(batch)).GetProperty("data");
            Assert.Single(await api.ScoreHistoryAsync(created[0].GetProperty("id").GetGuid()));
            Assert.Empty(await api.ScoreHistoryAsync(created[1].GetProperty("id").GetGuid()));
        }

        using var missing = await api.SendAsync(HttpMethod.Get, $"/{Guid.CreateVersion7()}/score-history");
        await AuthApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        (await api.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: await api.ETagOfAsync(id))).Dispose();
        using var deleted = await api.SendAsync(HttpMethod.Get, $"/{id}/score-history");
        await AuthApi.AssertProblemAsync(deleted, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_application_role_may_add_score_history_but_never_change_or_delete_it()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(new { firstName = "Kept", score = 10 });

        await using var connection = await factory.Database.DataSource.OpenConnectionAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = $"SET ROLE crm_app; SELECT set_config('crm.workspace_id', '{api.WorkspaceId}', false)";
            await setup.ExecuteNonQueryAsync();
        }
        foreach (var statement in new[]
                 {
                     $"UPDATE lead_score_history SET new_score = 100 WHERE lead_id = '{id}'",
                     $"DELETE FROM lead_score_history WHERE lead_id = '{id}'",
                 })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            var denied = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        }
        Assert.Equal([10], (await api.ScoreHistoryAsync(id)).Select(h => h.GetProperty("newScore").GetInt32()));
    }
}
