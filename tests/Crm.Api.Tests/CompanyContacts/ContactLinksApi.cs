using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Contacts;

namespace Crm.Api.Tests.CompanyContacts;

/// <summary>
/// A signed-in caller of the links between records: companies' contacts (company_contacts) and contacts'
/// relationships, with the records they link.
/// </summary>
internal sealed class ContactLinksApi(ContactApi contacts)
{
    public ContactApi Contacts { get; } = contacts;

    public CompanyApi Companies => Contacts.Companies;

    public static async Task<ContactLinksApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(await ContactApi.RegisterAsync(factory, workspaceName));

    public static async Task<ContactLinksApi> JoinAsync(ApiFactory factory, ContactLinksApi owner, string role, string scope) =>
        new(await ContactApi.JoinAsync(factory, owner.Contacts, role, scope));

    public async Task<Guid> CreateCompanyAsync(string name) => (await Companies.CreateAsync(new { name })).Company.GetProperty("id").GetGuid();

    public async Task<Guid> CreateContactAsync(string firstName, Guid? companyId = null) =>
        (await Contacts.CreateAsync(new { firstName, lastName = "Doe", email = $"{firstName.ToLowerInvariant()}@example.com", title = "Buyer", companyId }))
        .Contact.GetProperty("id").GetGuid();

    /// <summary>Soft-deletes a contact (204).</summary>
    public async Task DeleteContactAsync(Guid id)
    {
        using var response = await Contacts.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: "*");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public Task<HttpResponseMessage> PutLinkAsync(Guid companyId, Guid contactId, object body) =>
        Companies.SendAsync(HttpMethod.Put, $"/{companyId}/contacts/{contactId}", body);

    public Task<HttpResponseMessage> DeleteLinkAsync(Guid companyId, Guid contactId) =>
        Companies.SendAsync(HttpMethod.Delete, $"/{companyId}/contacts/{contactId}");

    /// <summary>Links (201 or 200) and answers the link.</summary>
    public async Task<JsonElement> LinkAsync(Guid companyId, Guid contactId, object body, HttpStatusCode status = HttpStatusCode.Created)
    {
        using var response = await PutLinkAsync(companyId, contactId, body);
        return await Companies.ReadAsync(response, status);
    }

    /// <summary>GET /api/v1/companies/{id}/contacts (200): the page.</summary>
    public async Task<JsonElement> ContactsOfAsync(Guid companyId, string query = "")
    {
        using var response = await Companies.SendAsync(HttpMethod.Get, $"/{companyId}/contacts{query}");
        return await Companies.ReadAsync(response);
    }

    /// <summary>GET /api/v1/contacts/{id}/companies (200): the page.</summary>
    public async Task<JsonElement> CompaniesOfAsync(Guid contactId, string query = "")
    {
        using var response = await Contacts.SendAsync(HttpMethod.Get, $"/{contactId}/companies{query}");
        return await Companies.ReadAsync(response);
    }

    public Task<HttpResponseMessage> PostRelationshipAsync(Guid contactId, object body, string? idempotencyKey = null) =>
        Contacts.SendAsync(HttpMethod.Post, $"/{contactId}/relationships", body, idempotencyKey: idempotencyKey);

    /// <summary>Relates two contacts (201) and answers the relationship.</summary>
    public async Task<JsonElement> RelateAsync(Guid contactId, Guid relatedContactId, string type, string? description = null)
    {
        using var response = await PostRelationshipAsync(contactId, new { relatedContactId, type, description });
        return await Companies.ReadAsync(response, HttpStatusCode.Created);
    }

    /// <summary>GET /api/v1/contacts/{id}/relationships (200): the items of the page.</summary>
    public async Task<JsonElement[]> RelationshipsOfAsync(Guid contactId, string query = "")
    {
        using var response = await Contacts.SendAsync(HttpMethod.Get, $"/{contactId}/relationships{query}");
        return [.. (await Companies.ReadAsync(response)).GetProperty("data").EnumerateArray()];
    }

    public async Task<JsonElement[]> AuditOfAsync(string entityType, Guid entityId)
    {
        using var response = await Companies.GetAuditAsync($"?entityType={entityType}&entityId={entityId}");
        return [.. (await Companies.ReadAsync(response)).GetProperty("data").EnumerateArray()];
    }

    public static JsonElement[] Data(JsonElement page) => [.. page.GetProperty("data").EnumerateArray()];

    /// <summary>The first names of the contacts of a page of a company's contacts.</summary>
    public static string[] FirstNames(JsonElement page) =>
        [.. Data(page).Select(r => r.GetProperty("contact").GetProperty("firstName").GetString()!)];
}
