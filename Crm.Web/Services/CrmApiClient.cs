using Crm.ServiceDefaults.Resilience;

namespace Crm.Web.Services;

/// <summary>The web's only way to the data: Crm.Api over HTTP, found through service discovery as <c>http://api</c>.</summary>
public sealed class CrmApiClient(HttpClient http)
{
    /// <summary>One attempt, no retries: the start page should say "unreachable" at once rather than wait them out.</summary>
    public async Task<ApiInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/info").WithoutRetries();
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<ApiInfo>(cancellationToken);
    }
}

/// <summary>The web's own model of the API's <c>GET /api/v1/info</c> response.</summary>
public sealed record ApiInfo(string Name, string Version, string Environment, DateTimeOffset ServerTime);
