using System.Net;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Tags;

/// <summary>Another workspace's tags and records: not read, not changed, not attached, not matched by filter[tag].</summary>
public sealed class TagIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_cannot_read_change_attach_or_filter_by_a_tag()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var (secret, etag) = await victim.Tags.CreateAsync(new { name = "Secret" });
        var secretId = secret.GetProperty("id").GetGuid();
        var victimContact = await CreateIdAsync(victim.Contacts, new { firstName = "Victim", email = "victim@x.com" });
        await AssertStatusAsync(await victim.Contacts.SendAsync(HttpMethod.Put, $"/{victimContact}/tags/{secretId}"), HttpStatusCode.NoContent);
        var ownTag = await CreateIdAsync(attacker.Tags, new { name = "Mine" });
        var ownContact = await CreateIdAsync(attacker.Contacts, new { firstName = "Own", email = "own@x.com" });

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{secretId}", null, null),
                     (HttpMethod.Patch, $"/{secretId}", new { name = "Pwned" }, etag),
                     (HttpMethod.Delete, $"/{secretId}", null, "*"),
                 })
        {
            await AssertStatusAsync(await attacker.Tags.SendAsync(method, path, body, ifMatch), HttpStatusCode.NotFound);
        }
        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Put, $"/{ownContact}/tags/{secretId}"),
                     (HttpMethod.Put, $"/{victimContact}/tags/{ownTag}"),
                     (HttpMethod.Delete, $"/{victimContact}/tags/{secretId}"),
                     (HttpMethod.Get, $"/{victimContact}/tags"),
                 })
        {
            await AssertStatusAsync(await attacker.Contacts.SendAsync(method, path), HttpStatusCode.NotFound);
        }
        Assert.Equal(["Mine"], await ListAsync(attacker.Tags));
        Assert.Empty(await ListAsync(attacker.Contacts, $"?filter[tag]={secretId}", "email"));
        Assert.Empty(await ListAsync(attacker.Contacts, "?filter[tag]=secret", "email"));

        // The attacker may have a tag of the same name: names are unique per workspace.
        await attacker.Tags.CreateAsync(new { name = "Secret" });
        Assert.Equal(["Secret"], await ListAsync(victim.Contacts.WithResource($"/api/v1/contacts/{victimContact}/tags")));
        Assert.Equal(["victim@x.com"], await ListAsync(victim.Contacts, "?filter[tag]=secret", "email"));
    }
}
