using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Contacts;

/// <summary>A signed-in caller of the contacts API (and, through <see cref="Companies"/>, of the companies API).</summary>
internal sealed class ContactApi(CompanyApi companies)
{
    private readonly CompanyApi _contacts = companies.WithResource("/api/v1/contacts");

    public CompanyApi Companies { get; } = companies;

    public Guid UserId => Companies.UserId;

    public Guid WorkspaceId => Companies.WorkspaceId;

    public static async Task<ContactApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(await CompanyApi.RegisterAsync(factory, workspaceName));

    public static async Task<ContactApi> JoinAsync(ApiFactory factory, ContactApi owner, string role, string scope) =>
        new(await CompanyApi.JoinAsync(factory, owner.Companies, role, scope));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null) =>
        _contacts.SendAsync(method, path, body, ifMatch, idempotencyKey);

    /// <summary>Creates a contact (201) and answers its body and ETag.</summary>
    public Task<(JsonElement Contact, string ETag)> CreateAsync(object body) => _contacts.CreateAsync(body);

    public Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK) => _contacts.ReadAsync(response, status);

    /// <summary>The emails of a page of contacts (each test gives its contacts one).</summary>
    public async Task<List<string>> ListEmailsAsync(string query = "")
    {
        using var response = await SendAsync(HttpMethod.Get, "/" + query);
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("email").GetString()!)];
    }

    public async Task<JsonElement[]> AuditOfAsync(Guid contactId)
    {
        using var response = await Companies.GetAuditAsync($"?entityType=contact&entityId={contactId}");
        var page = await ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
