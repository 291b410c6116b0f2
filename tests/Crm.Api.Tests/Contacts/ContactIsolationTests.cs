using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Contacts;

/// <summary>Another workspace's token attacks the first workspace's contacts and companies: every attempt finds nothing.</summary>
public sealed class ContactIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_cannot_read_change_delete_restore_list_or_audit_a_contact()
    {
        var victim = await ContactApi.RegisterAsync(factory, "Victim");
        var attacker = await ContactApi.RegisterAsync(factory, "Attacker");
        var (contact, etag) = await victim.CreateAsync(new { firstName = "Secret", email = "secret@example.com" });
        var id = contact.GetProperty("id").GetGuid();
        var (deleted, deletedEtag) = await victim.CreateAsync(new { firstName = "Deleted", email = "deleted@example.com" });
        var deletedId = deleted.GetProperty("id").GetGuid();
        (await victim.SendAsync(HttpMethod.Delete, $"/{deletedId}", ifMatch: deletedEtag)).Dispose();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { firstName = "Pwned" }, etag),
                     (HttpMethod.Patch, $"/{id}", new { firstName = "Pwned" }, "*"),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{deletedId}/restore", null, null),
                 })
        {
            using var response = await attacker.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Empty(await attacker.ListEmailsAsync());
        Assert.Empty(await attacker.ListEmailsAsync($"?filter[id]={id}"));
        Assert.Empty(await attacker.ListEmailsAsync("?q=Secret"));
        Assert.Empty(await attacker.ListEmailsAsync("?filter[email]=secret@example.com"));
        Assert.Empty(await attacker.AuditOfAsync(id));

        // The attacker may use the same email in their own workspace: uniqueness is per workspace.
        await attacker.CreateAsync(new { firstName = "Mine", email = "secret@example.com" });

        using (var get = await victim.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            Assert.Equal("Secret", (await victim.ReadAsync(get)).GetProperty("firstName").GetString());
        }
        Assert.Single(await victim.AuditOfAsync(id));
    }

    [Fact]
    public async Task A_company_of_another_workspace_is_400_on_companyId_and_never_linked()
    {
        var victim = await ContactApi.RegisterAsync(factory, "Victim");
        var attacker = await ContactApi.RegisterAsync(factory, "Attacker");
        var (victimCompany, _) = await victim.Companies.CreateAsync(new { name = "Victim Co" });
        var victimCompanyId = victimCompany.GetProperty("id").GetGuid();

        using (var create = await attacker.SendAsync(HttpMethod.Post, "/", new { firstName = "Spy", companyId = victimCompanyId }))
        {
            var errors = (await AuthApi.AssertProblemAsync(create, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("companyId", out _));
        }

        var (own, etag) = await attacker.CreateAsync(new { firstName = "Own", email = "own@example.com" });
        var ownId = own.GetProperty("id").GetGuid();
        using (var patch = await attacker.SendAsync(HttpMethod.Patch, $"/{ownId}", new { companyId = victimCompanyId }, etag))
        {
            Assert.True((await AuthApi.AssertProblemAsync(patch, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("companyId", out _));
        }

        using (var batch = await attacker.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[]
            {
                new { firstName = "Ok" },
                new { firstName = "Linked", companyId = victimCompanyId },
                new { firstName = "Owned", ownerId = victim.UserId },
                new { firstName = "Into", workspaceId = victim.WorkspaceId },
            },
        }))
        {
            var errors = (await AuthApi.AssertProblemAsync(batch, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("items[1].companyId", out _));
            Assert.True(errors.TryGetProperty("items[2].ownerId", out _));
            Assert.True(errors.TryGetProperty("items[3].workspaceId", out _));
        }

        Assert.Equal(["own@example.com"], await attacker.ListEmailsAsync());
        Assert.Empty(await attacker.ListEmailsAsync($"?filter[companyId]={victimCompanyId}"));
        Assert.Empty(await victim.ListEmailsAsync());
        using var get = await attacker.SendAsync(HttpMethod.Get, $"/{ownId}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await attacker.ReadAsync(get)).GetProperty("companyId").ValueKind);
    }
}
