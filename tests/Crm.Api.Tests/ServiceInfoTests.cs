using System.Net;
using System.Net.Http.Json;

namespace Crm.Api.Tests;

public sealed class ServiceInfoTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Info_names_the_api_and_its_version()
    {
        using var client = api.CreateClient();

        var info = await client.GetFromJsonAsync<Dictionary<string, object>>("/api/v1/info");

        Assert.NotNull(info);
        Assert.Equal("Crm.Api", info["name"].ToString());
        Assert.False(string.IsNullOrEmpty(info["version"].ToString()));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_info_endpoint()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json");
        var document = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/info", document);
        Assert.Contains("\"securitySchemes\"", document);
        Assert.Contains("\"bearer\"", document);
    }

    [Fact]
    public async Task A_browsable_ui_over_the_document_is_served_at_docs()
    {
        using var client = api.CreateClient();

        using var response = await client.GetAsync("/docs/index.html");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", page, StringComparison.OrdinalIgnoreCase);
    }
}
