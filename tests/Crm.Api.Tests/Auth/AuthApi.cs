using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Features.Auth;

namespace Crm.Api.Tests.Auth;

/// <summary>Calls of the auth endpoints, for the tests.</summary>
internal static class AuthApi
{
    public const string Password = "Str0ng!Passw0rd";

    public static string NewEmail(string who = "user") => $"{who}.{Guid.NewGuid():N}@example.com";

    public static Task<HttpResponseMessage> PostRegisterAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/api/v1/auth/register", body);

    public static async Task<AuthTokenResponse> RegisterAsync(HttpClient client, string email, string workspaceName)
    {
        using var response = await PostRegisterAsync(client, new { email, password = Password, firstName = "Ada", lastName = "Lovelace", workspaceName });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AuthTokenResponse>())!;
    }

    public static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, Guid? workspaceId = null) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email, password, workspaceId });

    public static Task<HttpResponseMessage> PostRefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken });

    public static async Task<HttpResponseMessage> GetMeAsync(HttpClient client, string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return await client.SendAsync(request);
    }

    public static async Task<MeResponse> MeAsync(HttpClient client, string accessToken)
    {
        using var response = await GetMeAsync(client, accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<MeResponse>())!;
    }

    public static async Task<HttpResponseMessage> PostLogoutAsync(HttpClient client, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await client.SendAsync(request);
    }

    /// <summary>An RFC 9457 body: application/problem+json, with the given status.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
