using System.Net;
using System.Text.Json;

namespace Crm.Api.Tests.CompanyContacts;

/// <summary>The OpenAPI document describes the company-contact and contact-relationship endpoints, errors included.</summary>
public sealed class LinkOpenApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Every_link_endpoint_is_named_described_tagged_and_lists_its_problems()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");

        foreach (var (path, method, operationId, tag, codes) in new (string, string, string, string, string[])[]
                 {
                     ("/api/v1/companies/{companyId}/contacts", "get", "ListCompanyContacts", "Companies", ["200", "400", "401", "404"]),
                     ("/api/v1/companies/{companyId}/contacts/{contactId}", "put", "PutCompanyContact", "Companies", ["200", "201", "400", "401", "403", "404", "409", "415"]),
                     ("/api/v1/companies/{companyId}/contacts/{contactId}", "delete", "DeleteCompanyContact", "Companies", ["204", "401", "403", "404"]),
                     ("/api/v1/contacts/{contactId}/companies", "get", "ListContactCompanies", "Contacts", ["200", "400", "401", "404"]),
                     ("/api/v1/contacts/{contactId}/relationships", "get", "ListContactRelationships", "Contacts", ["200", "400", "401", "404"]),
                     ("/api/v1/contacts/{contactId}/relationships", "post", "CreateContactRelationship", "Contacts", ["201", "400", "401", "403", "404", "409", "415", "422"]),
                     ("/api/v1/contacts/{contactId}/relationships/{relationshipId}", "get", "GetContactRelationship", "Contacts", ["200", "401", "404"]),
                     ("/api/v1/contacts/{contactId}/relationships/{relationshipId}", "delete", "DeleteContactRelationship", "Contacts", ["204", "401", "403", "404"]),
                 })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()));
            Assert.Contains(tag, operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            var responses = operation.GetProperty("responses");
            Assert.Equal(codes.Order(), responses.EnumerateObject().Select(r => r.Name).Order());
            foreach (var problem in responses.EnumerateObject().Where(r => r.Name[0] == '4'))
            {
                Assert.True(problem.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{operationId} {problem.Name}");
            }
        }
    }
}
