using System.Net;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Access;

/// <summary>
/// Role, scope and membership are checked per request against workspace_members, so a change there takes effect
/// while the caller's access token is still valid (ApiFactory turns the membership cache off).
/// </summary>
public sealed class CurrentMembershipTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_member_demoted_to_viewer_can_no_longer_write()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var admin = await CompanyApi.JoinAsync(factory, owner, "admin", "all");
        await admin.CreateAsync(new { name = "Before" });

        await SetMemberAsync(owner, admin, "role = 'viewer'");

        using var create = await admin.SendAsync(HttpMethod.Post, "/", new { name = "After" });
        await AuthApi.AssertProblemAsync(create, HttpStatusCode.Forbidden);
        Assert.Equal(["Before"], await admin.ListNamesAsync());
    }

    [Fact]
    public async Task A_suspended_member_is_refused_and_logged()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "all");
        Assert.Empty(await rep.ListNamesAsync());

        await SetMemberAsync(owner, rep, "status = 'suspended'");

        using (var list = await rep.SendAsync(HttpMethod.Get, "/"))
        {
            var problem = await AuthApi.AssertProblemAsync(list, HttpStatusCode.Forbidden);
            Assert.Equal(CurrentMembership.NotAMember, problem.GetProperty("detail").GetString());
        }
        using (var audit = await rep.GetAuditAsync(""))
        {
            await AuthApi.AssertProblemAsync(audit, HttpStatusCode.Forbidden);
        }
        using (var contacts = await rep.WithResource("/api/v1/contacts").SendAsync(HttpMethod.Post, "/", new { firstName = "Ada" }))
        {
            await AuthApi.AssertProblemAsync(contacts, HttpStatusCode.Forbidden);
        }
        Assert.Equal(3, await ScalarAsync<long>(
            "SELECT count(*) FROM security_logs WHERE event_type = 'permission_denied' AND workspace_id = $1 AND user_id = $2",
            owner.WorkspaceId, rep.UserId));
    }

    [Fact]
    public async Task A_removed_member_is_refused()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var rep = await CompanyApi.JoinAsync(factory, owner, "manager", "all");
        await ExecuteAsync("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2", owner.WorkspaceId, rep.UserId);

        using var list = await rep.SendAsync(HttpMethod.Get, "/");
        await AuthApi.AssertProblemAsync(list, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_member_narrowed_from_scope_all_to_own_stops_seeing_others_companies()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var manager = await CompanyApi.JoinAsync(factory, owner, "manager", "all");
        await owner.CreateAsync(new { name = "Owner's" });
        await manager.CreateAsync(new { name = "Manager's" });
        Assert.Equal(2, (await manager.ListNamesAsync()).Count);

        await SetMemberAsync(owner, manager, "record_scope = 'own'");

        Assert.Equal(["Manager's"], await manager.ListNamesAsync());
        using var audit = await manager.GetAuditAsync("");
        await AuthApi.AssertProblemAsync(audit, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_owner_is_unaffected_by_changes_to_other_members()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var rep = await CompanyApi.JoinAsync(factory, owner, "admin", "all");
        await SetMemberAsync(owner, rep, "status = 'suspended'");

        await owner.CreateAsync(new { name = "Still mine" });
        Assert.Equal(["Still mine"], await owner.ListNamesAsync());
        using var audit = await owner.GetAuditAsync("");
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
    }

    private Task SetMemberAsync(CompanyApi owner, CompanyApi member, string assignment) =>
        ExecuteAsync($"UPDATE workspace_members SET {assignment} WHERE workspace_id = $1 AND user_id = $2", owner.WorkspaceId, member.UserId);

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
