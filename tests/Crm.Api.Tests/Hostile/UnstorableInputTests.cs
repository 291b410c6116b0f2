using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Hostile;

/// <summary>
/// Text PostgreSQL cannot store (U+0000) and values outside the columns' limits are the caller's error: 400, never 500,
/// whether in a body, a filter, the search text, or an auth request.
/// </summary>
public sealed class UnstorableInputTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_nul_character_in_a_body_field_is_a_400_naming_the_field()
    {
        var caller = await CompanyApi.RegisterAsync(api);

        using var response = await caller.SendAsync(HttpMethod.Post, "", new { name = "Acme\0Corp", customFields = new { note = "a\0b" } });
        var problem = await ProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.ToString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("customFields.note", out _), problem.ToString());
    }

    [Theory]
    [InlineData("?filter[name]=a%00b", "filter[name]")]
    [InlineData("?q=%00", "q")]
    [InlineData("?sort=name%00", "sort")]
    public async Task A_nul_character_in_a_list_parameter_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var caller = await CompanyApi.RegisterAsync(api);

        using var response = await caller.SendAsync(HttpMethod.Get, query);
        var problem = await ProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task A_nul_character_in_a_registration_is_a_400_not_a_500()
    {
        using var client = api.CreateClient();
        var body = JsonSerializer.Serialize(new { email = AuthApi.NewEmail(), password = AuthApi.Password, firstName = "A\0da", workspaceName = "Acme" });

        using var response = await client.PostAsync("/api/v1/auth/register", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "", """{"name":"Acme","name":"Globex"}""")]
    [InlineData("POST", "/batch", """{"items":[],"items":[]}""")]
    [InlineData("POST", "", """{"name":"Acme","type":"vendor,competitor"}""")]
    [InlineData("POST", "", """{"name":"Acme","type":"Vendor"}""")]
    [InlineData("POST", "", """{"name":"Acme","type":3}""")]
    [InlineData("POST", "", """{"name":"Acme \ud800 Corp"}""")]
    [InlineData("POST", "", """{"name":"Acme","description":"\udc00"}""")]
    [InlineData("POST", "", """{"name":"Acme","website":"http:\\\\example.com"}""")]
    [InlineData("POST", "", """{"name":"Acme","customFields":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{"r":{"s":{"t":{"u":{"v":{"w":{"x":{"y":{"z":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}""")]
    public async Task Malformed_bodies_are_400s(string method, string path, string body)
    {
        var caller = await CompanyApi.RegisterAsync(api);

        using var response = await caller.SendAsync(new HttpMethod(method), path, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(new MediaTypeHeaderValue("application/problem+json").MediaType, response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
