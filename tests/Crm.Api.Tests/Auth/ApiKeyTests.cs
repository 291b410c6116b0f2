using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Auth;

/// <summary>API keys: authentication with either header, scopes, role caps, revocation, expiry and workspace isolation.</summary>
public sealed class ApiKeyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_key_is_answered_once_and_only_its_hash_is_stored()
    {
        var owner = await SignedIn.RegisterAsync(factory);

        var created = await owner.CreateApiKeyAsync(["read", "write"], role: "manager", name: "Zapier");
        var key = created.GetProperty("key").GetString()!;
        using var list = await owner.SendAsync(HttpMethod.Get, "/api/v1/api-keys");
        var listed = (await SignedIn.ReadAsync<JsonElement>(list)).GetProperty("data").EnumerateArray().Single();

        Assert.StartsWith("crm_", key);
        Assert.Equal(key[..12], created.GetProperty("prefix").GetString());
        Assert.Equal("manager", listed.GetProperty("role").GetString());
        Assert.Equal(["read", "write"], listed.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()!));
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.Equal(0L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM api_keys WHERE row_to_json(api_keys)::text LIKE '%' || $1 || '%'", key[12..]));
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE workspace_id = $1 AND event_type = 'api_key_created'", owner.WorkspaceId));
    }

    [Fact]
    public async Task A_write_key_works_with_either_header_and_its_changes_are_audited_as_the_key()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var created = await owner.CreateApiKeyAsync(["write"]);
        var key = created.GetProperty("key").GetString()!;
        var keyId = created.GetProperty("id").GetGuid();

        using var create = await SignedIn.SendAsync(owner.Client, credential: null, HttpMethod.Post, "/api/v1/companies", new { name = "Via header" }, apiKeyHeader: key);
        var company = await SignedIn.ReadAsync<JsonElement>(create, HttpStatusCode.Created);
        var asBearer = new CompanyApi(owner.Client, key, owner.UserId, owner.WorkspaceId);

        Assert.Equal(["Via header"], await asBearer.ListNamesAsync());
        var audit = await owner.Companies.AuditOfAsync(company.GetProperty("id").GetGuid());
        Assert.Equal(keyId, audit.Single().GetProperty("actorApiKeyId").GetGuid());
        Assert.Equal(owner.UserId, audit.Single().GetProperty("actorUserId").GetGuid());
        Assert.NotNull(await SignedIn.ScalarAsync<DateTime?>(factory, "SELECT last_used_at FROM api_keys WHERE id = $1", keyId));
    }

    [Fact]
    public async Task A_read_key_reads_but_every_write_is_a_logged_403()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var (company, etag) = await owner.Companies.CreateAsync(new { name = "Existing" });
        var key = (await owner.CreateApiKeyAsync(["read"])).GetProperty("key").GetString()!;
        var reader = new CompanyApi(owner.Client, key, owner.UserId, owner.WorkspaceId);
        var id = company.GetProperty("id").GetGuid();

        Assert.Equal(["Existing"], await reader.ListNamesAsync());
        using (var create = await reader.SendAsync(HttpMethod.Post, "/", new { name = "New" }))
        {
            await AuthApi.AssertProblemAsync(create, HttpStatusCode.Forbidden);
        }
        using (var patch = await reader.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "Changed" }, etag))
        {
            await AuthApi.AssertProblemAsync(patch, HttpStatusCode.Forbidden);
        }
        using (var delete = await reader.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.Forbidden);
        }
        Assert.Equal(["Existing"], await owner.Companies.ListNamesAsync());
        Assert.Equal(3L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE workspace_id = $1 AND event_type = 'permission_denied'", owner.WorkspaceId));
    }

    [Fact]
    public async Task Revoked_expired_unknown_and_malformed_keys_are_401_and_logged()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var revoked = await owner.CreateApiKeyAsync(["read"], name: "Revoked");
        var expired = await owner.CreateApiKeyAsync(["read"], expiresAt: DateTimeOffset.UtcNow.AddDays(1), name: "Expired");
        using (var revoke = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{revoked.GetProperty("id").GetGuid()}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }
        await SignedIn.ExecuteAsync(factory, "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", expired.GetProperty("id").GetGuid());
        var revokedKey = revoked.GetProperty("key").GetString()!;
        // Another secret for the same workspace.
        var unknown = revokedKey[..9] + (revokedKey[9] == 'A' ? 'B' : 'A') + revokedKey[10..];

        foreach (var key in new[] { revokedKey, expired.GetProperty("key").GetString()!, unknown, "crm_not-a-key" })
        {
            using var response = await SignedIn.SendAsync(owner.Client, credential: null, HttpMethod.Get, "/api/v1/companies", apiKeyHeader: key);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        }
        Assert.Equal(2L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM security_logs WHERE workspace_id = $1 AND event_type = 'api_key_rejected'", owner.WorkspaceId));
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory,
            "SELECT count(*) FROM audit_logs WHERE workspace_id = $1 AND entity_type = 'api_key' AND action = 'updated'", owner.WorkspaceId));
    }

    [Fact]
    public async Task A_key_never_sees_another_workspace()
    {
        var a = await SignedIn.RegisterAsync(factory, "A");
        var b = await SignedIn.RegisterAsync(factory, "B");
        await a.Companies.CreateAsync(new { name = "A's" });
        var (bCompany, bEtag) = await b.Companies.CreateAsync(new { name = "B's" });
        var key = (await a.CreateApiKeyAsync(["write"])).GetProperty("key").GetString()!;
        var viaKey = new CompanyApi(a.Client, key, a.UserId, a.WorkspaceId);
        var bId = bCompany.GetProperty("id").GetGuid();

        Assert.Equal(["A's"], await viaKey.ListNamesAsync());
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{bId}", null, null),
                     (HttpMethod.Patch, $"/{bId}", new { name = "Taken over" }, bEtag),
                     (HttpMethod.Delete, $"/{bId}", null, bEtag),
                 })
        {
            using var response = await viaKey.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Equal(["B's"], await b.Companies.ListNamesAsync());

        // The key names its workspace; pointing it at B's finds no key there.
        var retargeted = SignedIn.Retarget(key, "crm_", b.WorkspaceId);
        using var forged = await SignedIn.SendAsync(a.Client, retargeted, HttpMethod.Get, "/api/v1/companies");
        await AuthApi.AssertProblemAsync(forged, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_keys_role_is_capped_by_its_creators_at_creation_and_on_every_request()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var admin = await owner.InviteNewMemberAsync("admin");

        using (var tooHigh = await admin.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "Owner key", scopes = new[] { "write" }, role = "owner" }))
        {
            await AuthApi.AssertProblemAsync(tooHigh, HttpStatusCode.Forbidden);
        }
        var key = (await admin.CreateApiKeyAsync(["write"], role: "admin")).GetProperty("key").GetString()!;
        var viaKey = new CompanyApi(admin.Client, key, admin.UserId, admin.WorkspaceId);
        await viaKey.CreateAsync(new { name = "While admin" });

        using (var demote = await owner.PatchMemberAsync(admin.UserId, new { role = "viewer" }))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }

        using var write = await viaKey.SendAsync(HttpMethod.Post, "/", new { name = "After demotion" });
        await AuthApi.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        Assert.Equal(["While admin"], await viaKey.ListNamesAsync());
    }

    [Fact]
    public async Task Removing_the_creator_revokes_their_keys()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var admin = await owner.InviteNewMemberAsync("admin");
        var key = (await admin.CreateApiKeyAsync(["read"])).GetProperty("key").GetString()!;

        using (var remove = await owner.RemoveMemberAsync(admin.UserId))
        {
            Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        }

        using var response = await SignedIn.SendAsync(owner.Client, key, HttpMethod.Get, "/api/v1/companies");
        await AuthApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Only_owners_and_admins_manage_keys_and_never_with_a_key()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var manager = await owner.InviteNewMemberAsync("manager");
        var created = await owner.CreateApiKeyAsync(["write"]);
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetGuid();

        foreach (var credential in new[] { manager.AccessToken, key })
        {
            using var create = await SignedIn.SendAsync(owner.Client, credential, HttpMethod.Post, "/api/v1/api-keys", new { name = "Mine", scopes = new[] { "read" } });
            using var list = await SignedIn.SendAsync(owner.Client, credential, HttpMethod.Get, "/api/v1/api-keys");
            using var revoke = await SignedIn.SendAsync(owner.Client, credential, HttpMethod.Delete, $"/api/v1/api-keys/{id}");
            await AuthApi.AssertProblemAsync(create, HttpStatusCode.Forbidden);
            await AuthApi.AssertProblemAsync(list, HttpStatusCode.Forbidden);
            await AuthApi.AssertProblemAsync(revoke, HttpStatusCode.Forbidden);
        }
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory, "SELECT count(*) FROM api_keys WHERE workspace_id = $1 AND revoked_at IS NULL", owner.WorkspaceId));
    }

    [Fact]
    public async Task Bad_key_requests_are_validation_problems_and_another_workspaces_key_is_a_404()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var stranger = await SignedIn.RegisterAsync(factory, "Stranger");
        var strangersKey = (await stranger.CreateApiKeyAsync(["read"])).GetProperty("id").GetGuid();

        using var invalid = await owner.SendAsync(HttpMethod.Post, "/api/v1/api-keys",
            new { name = " ", scopes = new[] { "admin" }, role = "boss", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        using var noScopes = await owner.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "No scopes" });
        using var nul = await owner.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "Zap\0ier", scopes = new[] { "read" } });
        using var wrongType = await owner.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "Wrong type", scopes = "read" });
        using var foreign = await owner.SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{strangersKey}");

        var errors = (await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.Equal(["expiresAt", "name", "role", "scopes"], errors.EnumerateObject().Select(p => p.Name).Order());
        Assert.True((await AuthApi.AssertProblemAsync(noScopes, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("scopes", out _));
        await AuthApi.AssertProblemAsync(nul, HttpStatusCode.BadRequest);
        await AuthApi.AssertProblemAsync(wrongType, HttpStatusCode.BadRequest);
        await AuthApi.AssertProblemAsync(foreign, HttpStatusCode.NotFound);
        Assert.Equal(1L, await SignedIn.ScalarAsync<long>(factory, "SELECT count(*) FROM api_keys WHERE id = $1 AND revoked_at IS NULL", strangersKey));
        Assert.Equal(0L, await SignedIn.ScalarAsync<long>(factory, "SELECT count(*) FROM api_keys WHERE workspace_id = $1", owner.WorkspaceId));
    }

    [Fact]
    public async Task The_openapi_document_declares_api_keys_and_the_access_endpoints()
    {
        using var client = factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        var paths = document.GetProperty("paths");
        foreach (var (path, method, operation) in new[]
                 {
                     ("/api/v1/api-keys", "post", "CreateApiKey"),
                     ("/api/v1/auth/sessions", "get", "ListSessions"),
                     ("/api/v1/members/{userId}", "patch", "PatchMember"),
                     ("/api/v1/members/invitations", "post", "InviteMember"),
                     ("/api/v1/auth/invitations/accept", "post", "AcceptInvitation"),
                     ("/api/v1/roles", "get", "ListRoles"),
                 })
        {
            var described = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(operation, described.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrEmpty(described.GetProperty("summary").GetString()));
            Assert.True(described.GetProperty("responses").TryGetProperty("401", out _));
        }
    }
}
