using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

/// <summary>A signed-in caller of the companies API, for the tests.</summary>
internal sealed class CompanyApi(HttpClient client, string accessToken, Guid userId, Guid workspaceId, string resourcePath = "/api/v1/companies")
{
    public Guid UserId { get; } = userId;

    public Guid WorkspaceId { get; } = workspaceId;

    /// <summary>Registers a new user with a new workspace (its owner).</summary>
    public static async Task<CompanyApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme")
    {
        var client = factory.CreateClient();
        var tokens = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), workspaceName);
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        return new CompanyApi(client, tokens.AccessToken, me.UserId, tokens.Workspace.Id);
    }

    /// <summary>A new user who joins <paramref name="owner"/>'s workspace with the given role and scope (raw SQL as the superuser).</summary>
    public static async Task<CompanyApi> JoinAsync(ApiFactory factory, CompanyApi owner, string role, string scope)
    {
        var client = factory.CreateClient();
        var email = AuthApi.NewEmail(role);
        var own = await AuthApi.RegisterAsync(client, email, "Elsewhere");
        var me = await AuthApi.MeAsync(client, own.AccessToken);
        await using (var insert = factory.Database.DataSource.CreateCommand(
            "INSERT INTO workspace_members (id, workspace_id, user_id, role, record_scope, status) VALUES ($1, $2, $3, $4, $5, 'active')"))
        {
            insert.Parameters.AddWithValue(Guid.CreateVersion7());
            insert.Parameters.AddWithValue(owner.WorkspaceId);
            insert.Parameters.AddWithValue(me.UserId);
            insert.Parameters.AddWithValue(role);
            insert.Parameters.AddWithValue(scope);
            await insert.ExecuteNonQueryAsync();
        }
        using var login = await AuthApi.PostLoginAsync(client, email, AuthApi.Password, owner.WorkspaceId);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var tokens = (await login.Content.ReadFromJsonAsync<Crm.Api.Features.Auth.AuthTokenResponse>())!;
        return new CompanyApi(client, tokens.AccessToken, me.UserId, owner.WorkspaceId);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, resourcePath + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            var json = body as string ?? JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
            request.Content = new StringContent(json, Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return client.SendAsync(request);
    }

    /// <summary>Sends a request the test built itself (a multipart upload, say) with this caller's token.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    /// <summary>The same caller, sending to another resource (such as /api/v1/contacts).</summary>
    public CompanyApi WithResource(string path) => new(client, accessToken, UserId, WorkspaceId, path);

    /// <summary>The same caller, sending to another host of the API over the same database (a second replica).</summary>
    public CompanyApi WithClient(HttpClient other) => new(other, accessToken, UserId, WorkspaceId, resourcePath);

    public async Task<HttpResponseMessage> GetAuditAsync(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit" + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    /// <summary>Creates a company (201) and answers its body and ETag.</summary>
    public async Task<(JsonElement Company, string ETag)> CreateAsync(object body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag!.ToString());
    }

    public async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.Equal(status, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<List<string>> ListNamesAsync(string query = "")
    {
        using var response = await SendAsync(HttpMethod.Get, "/" + query);
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
    }

    public async Task<JsonElement[]> AuditOfAsync(Guid companyId)
    {
        using var response = await GetAuditAsync($"?entityType=company&entityId={companyId}");
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }
}
