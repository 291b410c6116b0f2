using System.Net;
using Crm.Api.Tests.Contacts;

namespace Crm.Api.Tests.Export;

/// <summary>GET /api/v1/{resource}/export, shown on contacts: every row of the list, as CSV, page after page.</summary>
public sealed class CsvExportTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_export_streams_every_row_the_filter_selects_across_pages_in_list_order()
    {
        var owner = await ContactApi.RegisterAsync(api, "Exporters");
        // 230 contacts in "Lisbon" (more than one 200-row page), 20 elsewhere.
        for (var batch = 0; batch < 3; batch++)
        {
            var items = Enumerable.Range(batch * 100, batch < 2 ? 100 : 50).Select(i => new
            {
                firstName = $"Person{i:D3}",
                lastName = "Export",
                email = $"person{i:D3}@export.test",
                city = i < 230 ? "Lisbon" : "Porto",
            });
            using var created = await owner.SendAsync(HttpMethod.Post, "/batch", new { items });
            Assert.True(created.StatusCode == HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        }

        using var response = await owner.SendAsync(HttpMethod.Get, "/export?filter[city]=Lisbon&sort=email");
        var lines = await LinesAsync(response);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment; filename=\"contacts-", response.Content.Headers.ContentDisposition?.ToString());
        var header = lines[0].Split(',');
        Assert.Contains("firstName", header);
        Assert.Contains("email", header);
        Assert.Equal(231, lines.Count);
        var emailColumn = Array.IndexOf(header, "email");
        var emails = lines.Skip(1).Select(line => line.Split(',')[emailColumn]).ToList();
        Assert.Equal(Enumerable.Range(0, 230).Select(i => $"person{i:D3}@export.test"), emails);
    }

    [Fact]
    public async Task Cells_are_quoted_as_rfc_4180_says_and_formulas_are_defused()
    {
        var owner = await ContactApi.RegisterAsync(api, "Quoting");
        await owner.CreateAsync(new { firstName = "=HYPERLINK(\"http://evil.test\")", lastName = "Doe, \"Jr\"", email = "quote@export.test" });

        using var response = await owner.SendAsync(HttpMethod.Get, "/export");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil.test\"\")\"", text);
        Assert.Contains("\"Doe, \"\"Jr\"\"\"", text);
        Assert.EndsWith("\r\n", text);
    }

    [Fact]
    public async Task Another_workspace_exports_none_of_these_rows()
    {
        var owner = await ContactApi.RegisterAsync(api, "Private");
        await owner.CreateAsync(new { firstName = "Secret", email = "secret@export.test" });
        var intruder = await ContactApi.RegisterAsync(api, "Intruder");

        using var response = await intruder.SendAsync(HttpMethod.Get, "/export");
        var lines = await LinesAsync(response);

        Assert.Single(lines);
    }

    [Theory]
    [InlineData("/export?limit=10", "limit")]
    [InlineData("/export?cursor=abc", "cursor")]
    [InlineData("/export?filter[nope]=1", "filter[nope]")]
    [InlineData("/export?sort=shoeSize", "sort")]
    public async Task Bad_list_parameters_are_a_400_naming_them_before_anything_is_written(string path, string parameter)
    {
        var owner = await ContactApi.RegisterAsync(api, "Bad parameters");

        using var response = await owner.SendAsync(HttpMethod.Get, path);
        var problem = await owner.ReadAsync(response, HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    private static async Task<List<string>> LinesAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        return [.. text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];
    }
}
