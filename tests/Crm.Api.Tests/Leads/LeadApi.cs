using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Leads;

/// <summary>A signed-in caller of the leads API, and of the resources a conversion touches.</summary>
internal sealed class LeadApi(CompanyApi companies)
{
    private readonly CompanyApi _leads = companies.WithResource("/api/v1/leads");

    public CompanyApi Companies { get; } = companies;

    public CompanyApi Contacts { get; } = companies.WithResource("/api/v1/contacts");

    public CompanyApi Rules { get; } = companies.WithResource("/api/v1/lead-scoring-rules");

    public CompanyApi Deals { get; } = companies.WithResource("/api/v1/deals");

    public Guid UserId => Companies.UserId;

    public Guid WorkspaceId => Companies.WorkspaceId;

    public static async Task<LeadApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(await CompanyApi.RegisterAsync(factory, workspaceName));

    public static async Task<LeadApi> JoinAsync(ApiFactory factory, LeadApi owner, string role, string scope) =>
        new(await CompanyApi.JoinAsync(factory, owner.Companies, role, scope));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null) =>
        _leads.SendAsync(method, path, body, ifMatch, idempotencyKey);

    /// <summary>Creates a lead (201) and answers its body and ETag.</summary>
    public Task<(JsonElement Lead, string ETag)> CreateAsync(object body) => _leads.CreateAsync(body);

    public async Task<Guid> CreateIdAsync(object body) => (await CreateAsync(body)).Lead.GetProperty("id").GetGuid();

    public Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK) => _leads.ReadAsync(response, status);

    public Task<HttpResponseMessage> ConvertAsync(Guid id, object? body = null, string? ifMatch = null, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, $"/{id}/convert", body, ifMatch, idempotencyKey);

    /// <summary>Converts (200) and answers the conversion's body.</summary>
    public async Task<JsonElement> ConvertOkAsync(Guid id, object? body = null)
    {
        using var response = await ConvertAsync(id, body);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(Guid id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/{id}");
        return await ReadAsync(response);
    }

    public async Task<string> ETagOfAsync(Guid id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    /// <summary>One page of a list (of leads, or of another resource through <paramref name="api"/>).</summary>
    public async Task<JsonElement[]> ListAsync(string query = "", CompanyApi? api = null)
    {
        using var response = await (api ?? _leads).SendAsync(HttpMethod.Get, "/" + query);
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    public async Task<List<string?>> ListFieldAsync(string field, string query = "", CompanyApi? api = null) =>
        [.. (await ListAsync(query, api)).Select(e => e.GetProperty(field).GetString())];

    /// <summary>GET of another resource's record (200) through <paramref name="api"/>.</summary>
    public async Task<JsonElement> GetAsync(CompanyApi api, Guid id)
    {
        using var response = await api.SendAsync(HttpMethod.Get, $"/{id}");
        return await ReadAsync(response);
    }

    public async Task<JsonElement[]> ScoreHistoryAsync(Guid id, string query = "")
    {
        using var response = await SendAsync(HttpMethod.Get, $"/{id}/score-history{query}");
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    public async Task<JsonElement[]> AuditOfAsync(string entityType, Guid id)
    {
        using var response = await Companies.GetAuditAsync($"?entityType={entityType}&entityId={id}");
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
