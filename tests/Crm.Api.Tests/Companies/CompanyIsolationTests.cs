using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

/// <summary>Another workspace's token attacks the first workspace's companies: every attempt finds nothing.</summary>
public sealed class CompanyIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_cannot_read_change_delete_restore_list_or_audit_a_company()
    {
        var victim = await CompanyApi.RegisterAsync(factory, "Victim");
        var attacker = await CompanyApi.RegisterAsync(factory, "Attacker");
        var (company, etag) = await victim.CreateAsync(new { name = "Secret", domain = "secret.example.com" });
        var id = company.GetProperty("id").GetGuid();
        var (deleted, deletedEtag) = await victim.CreateAsync(new { name = "Deleted secret" });
        var deletedId = deleted.GetProperty("id").GetGuid();
        (await victim.SendAsync(HttpMethod.Delete, $"/{deletedId}", ifMatch: deletedEtag)).Dispose();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, etag),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, "*"),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{deletedId}/restore", null, null),
                 })
        {
            using var response = await attacker.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Empty(await attacker.ListNamesAsync());
        Assert.Empty(await attacker.ListNamesAsync($"?filter[id]={id}"));
        Assert.Empty(await attacker.ListNamesAsync("?q=Secret"));
        Assert.Empty(await attacker.AuditOfAsync(id));

        // The attacker may use the same domain in their own workspace: uniqueness is per workspace.
        await attacker.CreateAsync(new { name = "Mine", domain = "secret.example.com" });

        using (var get = await victim.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            Assert.Equal("Secret", (await victim.ReadAsync(get)).GetProperty("name").GetString());
        }
        Assert.Single(await victim.AuditOfAsync(id));
    }

    [Fact]
    public async Task A_batch_cannot_create_into_or_link_to_another_workspace()
    {
        var victim = await CompanyApi.RegisterAsync(factory, "Victim");
        var attacker = await CompanyApi.RegisterAsync(factory, "Attacker");
        var (parent, _) = await victim.CreateAsync(new { name = "Victim parent" });

        using var intoVictim = await attacker.SendAsync(HttpMethod.Post, "/batch", new { items = new object[] { new { name = "Ok" }, new { name = "Spy", workspaceId = victim.WorkspaceId } } });
        var errors = (await AuthApi.AssertProblemAsync(intoVictim, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("items[1].workspaceId", out _));

        using var linked = await attacker.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { name = "Child", parentCompanyId = parent.GetProperty("id").GetGuid() }, new { name = "Owned", ownerId = victim.UserId } },
        });
        var linkErrors = (await AuthApi.AssertProblemAsync(linked, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(linkErrors.TryGetProperty("items[0].parentCompanyId", out _));
        Assert.True(linkErrors.TryGetProperty("items[1].ownerId", out _));

        Assert.Empty(await attacker.ListNamesAsync());
        Assert.Equal(["Victim parent"], await victim.ListNamesAsync());
    }
}
