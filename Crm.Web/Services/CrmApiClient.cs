namespace Crm.Web.Services;

/// <summary>The web's only way to the data: Crm.Api over HTTP, found through service discovery as <c>http://api</c>.</summary>
public sealed class CrmApiClient(HttpClient http)
{
    public async Task<ApiInfo?> GetInfoAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<ApiInfo>("api/v1/info", cancellationToken);
}

/// <summary>The web's own model of the API's <c>GET /api/v1/info</c> response.</summary>
public sealed record ApiInfo(string Name, string Version, string Environment, DateTimeOffset ServerTime);
