using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Caching;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Contacts;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Caching;

/// <summary>
/// GET /contacts/{id} through the test Redis: the second read is a hit, every way of changing the contact makes the
/// next read fresh, entries are per workspace and never bypass record scope, and a Redis that cannot be reached
/// leaves reads and writes working.
/// </summary>
public sealed class ContactCacheTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_second_read_is_served_from_redis()
    {
        using var probe = new CacheProbe(factory.Services);
        var owner = await ContactApi.RegisterAsync(factory);
        var (created, _) = await owner.CreateAsync(new { firstName = "Ada", email = "ada@x.com" });
        var id = created.GetProperty("id").GetGuid();
        var key = CacheKeys.Record("contact", owner.WorkspaceId, id);
        // The create's event deletes the key when the consumer gets to it: let it, before the reads.
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilAsync(async () => !await CacheProbe.Redis.KeyExistsAsync(key), "the create's tombstone to expire");

        var (first, firstETag) = await GetAsync(owner, id);
        Assert.True(await CacheProbe.HasEntryAsync(key));
        var ttl = await CacheProbe.Redis.KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(250), TimeSpan.FromSeconds(300));
        var hitsBefore = probe.Count("crm.cache.hits", "contact");

        var (second, secondETag) = await GetAsync(owner, id);

        Assert.Equal(hitsBefore + 1, probe.Count("crm.cache.hits", "contact"));
        Assert.Equal(firstETag, secondETag);
        Assert.Equal(first.GetRawText(), second.GetRawText());

        // Proof the body comes from Redis: an entry changed there (and only there) is what the next read answers.
        var entry = JsonNode.Parse((string)(await CacheProbe.Redis.StringGetAsync(key))!)!;
        entry["response"]!["firstName"] = "Planted";
        await CacheProbe.Redis.StringSetAsync(key, entry.ToJsonString(), TimeSpan.FromMinutes(1));
        var (planted, _) = await GetAsync(owner, id);
        Assert.Equal("Planted", planted.GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task A_change_through_the_api_is_read_back_at_once()
    {
        var owner = await ContactApi.RegisterAsync(factory);
        var (created, _) = await owner.CreateAsync(new { firstName = "Before", email = "before@x.com" });
        var id = created.GetProperty("id").GetGuid();
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, id), () => GetAsync(owner, id));
        var (_, etag) = await GetAsync(owner, id);

        using var patch = await owner.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "After" }, etag);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var patchedETag = patch.Headers.ETag!.ToString();
        Assert.NotEqual(etag, patchedETag);

        var (read, readETag) = await GetAsync(owner, id);
        Assert.Equal("After", read.GetProperty("firstName").GetString());
        Assert.Equal(patchedETag, readETag);
        // Once cached again, the entry has the new version.
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, id), () => GetAsync(owner, id));
        Assert.Equal(patchedETag, (await GetAsync(owner, id)).ETag);
        Assert.Equal("After", (await GetAsync(owner, id)).Body.GetProperty("firstName").GetString());

        // Tags are part of the body: tagging the contact makes the next read show the tag.
        using var tag = await owner.Companies.WithResource("/api/v1/tags").SendAsync(HttpMethod.Post, "/", new { name = "vip" });
        Assert.Equal(HttpStatusCode.Created, tag.StatusCode);
        var tagId = (await tag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, id), () => GetAsync(owner, id));
        using var tagging = await owner.SendAsync(HttpMethod.Put, $"/{id}/tags/{tagId}");
        Assert.True(tagging.IsSuccessStatusCode, $"tagging answered {(int)tagging.StatusCode}");
        var (tagged, _) = await GetAsync(owner, id);
        Assert.Equal(["vip"], tagged.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, id), () => GetAsync(owner, id));

        // A rename of the tag reaches no contact's row, yet the cached contact shows the new name.
        var (_, tagETag) = await ReadWithETagAsync(await owner.Companies.WithResource("/api/v1/tags").SendAsync(HttpMethod.Get, $"/{tagId}"));
        using var rename = await owner.Companies.WithResource("/api/v1/tags").SendAsync(HttpMethod.Patch, $"/{tagId}", new { name = "gold" }, tagETag);
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        var (renamed, _) = await GetAsync(owner, id);
        Assert.Equal(["gold"], renamed.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        // A deleted contact is not served from the cache.
        using var delete = await owner.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: (await GetAsync(owner, id)).ETag);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await owner.SendAsync(HttpMethod.Get, $"/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_change_made_by_another_process_invalidates_through_the_outbox()
    {
        var owner = await ContactApi.RegisterAsync(factory);
        var (created, _) = await owner.CreateAsync(new { firstName = "Cached", email = "cached@x.com" });
        var id = created.GetProperty("id").GetGuid();
        var key = CacheKeys.Record("contact", owner.WorkspaceId, id);
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilCachedAsync(key, () => GetAsync(owner, id));
        var (_, etag) = await GetAsync(owner, id);

        // Another writer: SQL on the owner connection, no EF, no request of this host.
        await using (var update = factory.Database.DataSource.CreateCommand("UPDATE contacts SET first_name = 'Elsewhere' WHERE id = $1"))
        {
            update.Parameters.AddWithValue(id);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await CacheProbe.WaitUntilAsync(async () => !await CacheProbe.HasEntryAsync(key), "the consumer to invalidate the contact's key");
        var (read, readETag) = await GetAsync(owner, id);
        Assert.Equal("Elsewhere", read.GetProperty("firstName").GetString());
        Assert.NotEqual(etag, readETag);
    }

    [Fact]
    public async Task Entries_are_per_workspace_and_record_scope_is_checked_on_every_hit()
    {
        var owner = await ContactApi.RegisterAsync(factory, "First");
        var stranger = await ContactApi.RegisterAsync(factory, "Second");
        var rep = await ContactApi.JoinAsync(factory, owner, "sales_rep", "own");
        var (created, _) = await owner.CreateAsync(new { firstName = "Private", email = "private@x.com" });
        var id = created.GetProperty("id").GetGuid();
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, id), () => GetAsync(owner, id));

        // Another workspace reads its own key: nothing there, and its database has no such contact.
        using (var response = await stranger.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.False(await CacheProbe.Redis.KeyExistsAsync(CacheKeys.Record("contact", stranger.WorkspaceId, id)));

        // A rep with scope own hits the workspace's entry, and still gets 404 for the owner's contact...
        using (var response = await rep.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        // ... and their own contact once it is theirs.
        var (repContact, _) = await rep.CreateAsync(new { firstName = "Mine", email = "mine@x.com" });
        var repId = repContact.GetProperty("id").GetGuid();
        await GetAsync(rep, repId);
        Assert.Equal("Mine", (await GetAsync(rep, repId)).Body.GetProperty("firstName").GetString());
        using (var response = await owner.SendAsync(HttpMethod.Get, $"/{repId}"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Scope_team_is_checked_against_the_database_on_every_hit()
    {
        var owner = await ContactApi.RegisterAsync(factory);
        var rep = await ContactApi.JoinAsync(factory, owner, "sales_rep", "team");
        var mate = await ContactApi.JoinAsync(factory, owner, "sales_rep", "own");
        var teamId = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO teams (id, workspace_id, name) VALUES ($1, $2, 'Closers')", teamId, owner.WorkspaceId);
        foreach (var user in new[] { rep.UserId, mate.UserId })
        {
            await ExecuteAsync("INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ($1, $2, $3)", owner.WorkspaceId, teamId, user);
        }
        var (matesContact, _) = await owner.CreateAsync(new { firstName = "Mate's", email = "mates@x.com", ownerId = mate.UserId });
        var (ownersContact, _) = await owner.CreateAsync(new { firstName = "Owner's", email = "owners@x.com" });
        var (matesId, ownersId) = (matesContact.GetProperty("id").GetGuid(), ownersContact.GetProperty("id").GetGuid());
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, matesId), () => GetAsync(owner, matesId));
        await CacheProbe.WaitUntilCachedAsync(CacheKeys.Record("contact", owner.WorkspaceId, ownersId), () => GetAsync(owner, ownersId));

        Assert.Equal("Mate's", (await GetAsync(rep, matesId)).Body.GetProperty("firstName").GetString());
        using (var response = await rep.SendAsync(HttpMethod.Get, $"/{ownersId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // The team goes; the contact does not change, so its entry stays, and the rep no longer sees it.
        await ExecuteAsync("UPDATE teams SET deleted_at = now() WHERE id = $1", teamId);
        Assert.True(await CacheProbe.HasEntryAsync(CacheKeys.Record("contact", owner.WorkspaceId, matesId)));
        using (var response = await rep.SendAsync(HttpMethod.Get, $"/{matesId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_read_that_loaded_before_an_invalidation_cannot_store_its_result_after_it()
    {
        var cache = factory.Services.GetRequiredService<RedisCache>();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var key = CacheKeys.Record("contact", Guid.CreateVersion7(), Guid.CreateVersion7());
        await cache.SetAsync("contact", key, new { firstName = "Old" }, json);
        Assert.True(await CacheProbe.HasEntryAsync(key));

        Assert.True(await cache.TryInvalidateAsync([key], []));
        // The slow reader's SET arrives after the invalidation: refused while the tombstone lasts (1 s in the tests).
        await cache.SetAsync("contact", key, new { firstName = "Stale" }, json);
        Assert.False(await CacheProbe.HasEntryAsync(key));
        Assert.Equal(RedisCache.Tombstone, (string?)await CacheProbe.Redis.StringGetAsync(key));

        // After the hold, entries are stored again.
        await CacheProbe.WaitUntilCachedAsync(key, () => cache.SetAsync("contact", key, new { firstName = "New" }, json));
        Assert.Contains("New", (string?)await CacheProbe.Redis.StringGetAsync(key));
    }

    [Fact]
    public async Task Reads_and_writes_work_when_redis_cannot_be_reached()
    {
        using var withoutRedis = factory.WithWebHostBuilder(builder =>
            builder.UseSetting("ConnectionStrings:redis", "127.0.0.1:1,connectTimeout=500,syncTimeout=500"));
        using var probe = new CacheProbe(withoutRedis.Services);
        var client = withoutRedis.CreateClient();
        var tokens = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Offline");
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        var owner = new ContactApi(new CompanyApi(client, tokens.AccessToken, me.UserId, tokens.Workspace.Id));
        var (created, createdETag) = await owner.CreateAsync(new { firstName = "Offline", email = "offline@x.com" });
        var id = created.GetProperty("id").GetGuid();

        for (var i = 0; i < 5; i++)
        {
            var (read, etag) = await GetAsync(owner, id);
            Assert.Equal("Offline", read.GetProperty("firstName").GetString());
            Assert.Equal(createdETag, etag);
        }
        using var patch = await owner.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "StillWorks" }, createdETag);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var (after, afterETag) = await GetAsync(owner, id);
        Assert.Equal("StillWorks", after.GetProperty("firstName").GetString());
        Assert.Equal(patch.Headers.ETag!.ToString(), afterETag);

        // The circuit kept most reads from trying Redis at all.
        Assert.Equal(0, probe.Count("crm.cache.hits", "contact"));
        Assert.True(probe.Count("crm.cache.bypassed", "contact") >= 4, $"bypassed {probe.Count("crm.cache.bypassed", "contact")}");
    }

    private async Task ExecuteAsync(string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        await command.ExecuteNonQueryAsync();
    }

    internal static async Task<(JsonElement Body, string ETag)> GetAsync(ContactApi caller, Guid id)
    {
        using var response = await caller.SendAsync(HttpMethod.Get, $"/{id}");
        return await ReadWithETagAsync(response);
    }

    private static async Task<(JsonElement Body, string ETag)> ReadWithETagAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }
}
