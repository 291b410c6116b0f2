using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Api.Features.Auth;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Auth;

/// <summary>A user signed in to a workspace through the API, with the calls the identity and access tests make.</summary>
internal sealed class SignedIn(ApiFactory factory, HttpClient client, string email, Guid userId, AuthTokenResponse tokens)
{
    public ApiFactory Factory { get; } = factory;

    public HttpClient Client { get; } = client;

    public string Email { get; } = email;

    public Guid UserId { get; } = userId;

    public AuthTokenResponse Tokens { get; } = tokens;

    public Guid WorkspaceId => Tokens.Workspace.Id;

    public string AccessToken => Tokens.AccessToken;

    /// <summary>The companies API, as this user.</summary>
    public CompanyApi Companies => new(Client, AccessToken, UserId, WorkspaceId);

    /// <summary>Registers a new user with a new workspace (its owner).</summary>
    public static async Task<SignedIn> RegisterAsync(ApiFactory factory, string workspaceName = "Acme")
    {
        var client = factory.CreateClient();
        var email = AuthApi.NewEmail();
        var tokens = await AuthApi.RegisterAsync(client, email, workspaceName);
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        return new SignedIn(factory, client, email, me.UserId, tokens);
    }

    /// <summary>A new person joins this workspace: invited by this user, accepted without an account.</summary>
    public async Task<SignedIn> InviteNewMemberAsync(string role, string recordScope = "all")
    {
        var email = AuthApi.NewEmail(role);
        var token = await InviteAsync(email, role, recordScope);
        var client = Factory.CreateClient();
        using var accept = await AcceptAsync(client, token, AuthApi.Password);
        var tokens = await ReadAsync<AuthTokenResponse>(accept);
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        return new SignedIn(Factory, client, email, me.UserId, tokens);
    }

    /// <summary>Invites <paramref name="email"/> (201) and answers the invitation token.</summary>
    public async Task<string> InviteAsync(string email, string role, string recordScope = "all")
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email, role, recordScope });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    /// <summary>POST /api/v1/auth/invitations/accept, anonymously unless <paramref name="accessToken"/> is given.</summary>
    public static Task<HttpResponseMessage> AcceptAsync(HttpClient client, string token, string? password, string? accessToken = null) =>
        SendAsync(client, accessToken, HttpMethod.Post, "/api/v1/auth/invitations/accept", new { token, password });

    /// <summary>Signs in again (a new session) to this user's workspace.</summary>
    public async Task<SignedIn> LoginAgainAsync(Guid? workspaceId = null)
    {
        using var login = await AuthApi.PostLoginAsync(Client, Email, AuthApi.Password, workspaceId ?? WorkspaceId);
        return new SignedIn(Factory, Client, Email, UserId, await ReadAsync<AuthTokenResponse>(login));
    }

    /// <summary>Creates an API key (201) and answers its JSON, with the key in <c>key</c>.</summary>
    public async Task<JsonElement> CreateApiKeyAsync(string[] scopes, string? role = null, DateTimeOffset? expiresAt = null, string name = "Integration")
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name, scopes, role, expiresAt });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A member as GET /api/v1/members/{userId} answers it, with its ETag.</summary>
    public async Task<(JsonElement Member, string ETag)> GetMemberAsync(Guid userId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/v1/members/{userId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    /// <summary>PATCH /api/v1/members/{userId} with the member's current ETag.</summary>
    public async Task<HttpResponseMessage> PatchMemberAsync(Guid userId, object patch)
    {
        var (_, etag) = await GetMemberAsync(userId);
        return await SendAsync(HttpMethod.Patch, $"/api/v1/members/{userId}", patch, etag);
    }

    /// <summary>DELETE /api/v1/members/{userId} with the member's current ETag.</summary>
    public async Task<HttpResponseMessage> RemoveMemberAsync(Guid userId)
    {
        var (_, etag) = await GetMemberAsync(userId);
        return await SendAsync(HttpMethod.Delete, $"/api/v1/members/{userId}", ifMatch: etag);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null) =>
        SendAsync(Client, AccessToken, method, path, body, ifMatch);

    /// <summary>A request with <c>Authorization: Bearer</c> <paramref name="credential"/> (an access token or an API key), if any.</summary>
    public static Task<HttpResponseMessage> SendAsync(
        HttpClient client, string? credential, HttpMethod method, string path, object? body = null, string? ifMatch = null,
        string? apiKeyHeader = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
        if (apiKeyHeader is not null)
        {
            request.Headers.Add("X-Api-Key", apiKeyHeader);
        }
        if (body is not null)
        {
            request.Content = new StringContent(
                JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8,
                method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.Equal(status, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    /// <summary>A value read as the test server's superuser (row-level security does not apply), as an operator would.</summary>
    public static async Task<T> ScalarAsync<T>(ApiFactory factory, string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// <paramref name="token"/> (an API key or invitation token: prefix + base64url(secret + workspace id)) pointed at
    /// <paramref name="workspaceId"/>, as someone tampering with it would.
    /// </summary>
    public static string Retarget(string token, string prefix, Guid workspaceId)
    {
        var base64 = token[prefix.Length..].Replace('-', '+').Replace('_', '/');
        var bytes = Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
        workspaceId.TryWriteBytes(bytes.AsSpan(32), bigEndian: true, out _);
        return prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static async Task<int> ExecuteAsync(ApiFactory factory, string sql, params object[] values)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.AddWithValue(value);
        }
        return await command.ExecuteNonQueryAsync();
    }
}
