using System.Net;
using System.Text.Json;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Workspaces;

public sealed class WorkspaceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Owners_and_admins_change_the_workspace_with_a_merge_patch_and_every_member_reads_it()
    {
        var owner = await RegisterAsync(factory, "Globex");
        var admin = await JoinAsync(factory, owner, "admin");
        var manager = await JoinAsync(factory, owner, "manager");
        var workspace = owner.Root.WithResource("/api/v1/workspace");

        var (before, etag) = await ReadAsync(workspace);
        Assert.Equal("Globex", before.GetProperty("name").GetString());
        Assert.Equal(owner.WorkspaceId, before.GetProperty("id").GetGuid());
        Assert.Equal("free", before.GetProperty("plan").GetString());

        using (var patch = await admin.Root.WithResource("/api/v1/workspace").SendAsync(HttpMethod.Patch, "", new
               {
                   name = " Globex Europe ", timezone = "Europe/Berlin", currency = "eur", locale = "de-DE",
                   settings = new { fiscalYearStart = "04-01", weekStartsOn = "monday" },
               }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            var changed = JsonDocument.Parse(await patch.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Globex Europe", changed.GetProperty("name").GetString());
            Assert.Equal("EUR", changed.GetProperty("currency").GetString());
            Assert.Equal("04-01", changed.GetProperty("settings").GetProperty("fiscalYearStart").GetString());
            Assert.NotEqual(etag, patch.Headers.ETag!.ToString());
        }
        // The stale ETag is refused; a settings patch merges into what is there.
        await AssertStatusAsync(await workspace.SendAsync(HttpMethod.Patch, "", new { name = "Lost update" }, etag), HttpStatusCode.PreconditionFailed);
        (_, etag) = await ReadAsync(workspace);
        using (var merge = await workspace.SendAsync(HttpMethod.Patch, "", new { settings = new { weekStartsOn = (string?)null, theme = "dark" } }, etag))
        {
            var settings = JsonDocument.Parse(await merge.Content.ReadAsStringAsync()).RootElement.GetProperty("settings");
            Assert.Equal(["fiscalYearStart", "theme"], settings.EnumerateObject().Select(p => p.Name).Order());
        }

        var (seen, managerEtag) = await ReadAsync(manager.Root.WithResource("/api/v1/workspace"));
        Assert.Equal("Europe/Berlin", seen.GetProperty("timezone").GetString());
        await AssertStatusAsync(
            await manager.Root.WithResource("/api/v1/workspace").SendAsync(HttpMethod.Patch, "", new { name = "Mine" }, managerEtag), HttpStatusCode.Forbidden);

        var audit = await owner.AuditOfAsync("workspace", owner.WorkspaceId);
        Assert.Equal(["updated", "updated"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("Globex", audit[1].GetProperty("oldValues").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Invalid_changes_are_400_with_every_field_named_and_change_nothing()
    {
        var owner = await RegisterAsync(factory);
        var workspace = owner.Root.WithResource("/api/v1/workspace");
        var (before, etag) = await ReadAsync(workspace);

        await AssertInvalidAsync(await workspace.SendAsync(HttpMethod.Patch, "", new
        {
            name = " ", timezone = "Mars/Olympus", currency = "EURO", locale = "english", logoUrl = "ftp://x", settings = new { demo = true },
        }, etag), "name", "timezone", "currency", "locale", "logoUrl", "settings.demo");
        await AssertInvalidAsync(await workspace.SendAsync(HttpMethod.Patch, "", new { plan = "enterprise" }, etag), "plan");
        await AssertInvalidAsync(await workspace.SendAsync(HttpMethod.Patch, "", new { settings = "dark" }, etag), "settings");
        await AssertStatusAsync(await workspace.SendAsync(HttpMethod.Patch, "", new { name = "No If-Match" }), HttpStatusCode.PreconditionRequired);

        var (after, _) = await ReadAsync(workspace);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task The_security_log_is_for_owners_and_admins_and_holds_only_this_workspace()
    {
        var owner = await RegisterAsync(factory, "Initech");
        var other = await RegisterAsync(factory, "Hooli");
        var viewer = await JoinAsync(factory, owner, "viewer");
        var logs = owner.Root.WithResource("/api/v1/security-logs");

        // The viewer signed in to this workspace; the other workspace's owner never did.
        Assert.Contains(viewer.UserId.ToString(), await ListAsync(logs, "?filter[eventType]=login_success", "userId"));
        Assert.All(await ListAsync(logs, "?filter[eventType]=login_success", "eventType"), e => Assert.Equal("login_success", e));
        Assert.DoesNotContain(other.UserId.ToString(), await ListAsync(logs, "", "userId"));
        await AssertInvalidAsync(await logs.SendAsync(HttpMethod.Get, "/?filter[eventType]=hacked"), "filter[eventType]");
        await AssertStatusAsync(await viewer.Root.WithResource("/api/v1/security-logs").SendAsync(HttpMethod.Get, "/"), HttpStatusCode.Forbidden);
        using (var roles = await owner.Root.WithResource("/api/v1/roles").SendAsync(HttpMethod.Get, ""))
        {
            Assert.Contains("workspace.manage", await roles.Content.ReadAsStringAsync());
        }
    }

    private static async Task<(JsonElement Body, string ETag)> ReadAsync(Companies.CompanyApi workspace)
    {
        using var response = await workspace.SendAsync(HttpMethod.Get, "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), response.Headers.ETag!.ToString());
    }
}
