namespace Crm.Api.Tests.Imports;

/// <summary>CSV imports of companies: the same job, with the companies' rules and dedupe on domain.</summary>
public sealed class CompanyImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Companies_are_imported_with_their_rules_and_deduped_on_domain()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Companies");
        await owner.Companies.CreateAsync(new { name = "Acme", domain = "acme.test", accountNumber = "A-1" });
        var csv = ImportApi.Csv("name,domain,industry,annualRevenue,size,accountNumber",
        [
            "Acme Again,ACME.test,,,,",          // row 2: a live company has the domain
            "Globex,globex.test,Energy,12.5e3,51-200,G-1",  // row 3
            "Globex Twin,Globex.TEST,,,,",       // row 4: row 3's domain
            "Initech,,Software,,,",              // row 5: no domain, nothing to dedupe on
            "Bad Domain,not a domain,,,,",       // row 6
            "Bad Size,bad-size.test,,,huge,",    // row 7
            "Taken Number,taken.test,,,,A-1",    // row 8: another company has the account number
        ]);

        var job = await owner.ImportAsync(csv, objectType: "companies");

        Assert.Equal("companies", job.GetProperty("objectType").GetString());
        Assert.Equal((2, 2, 3), (ImportApi.Count(job, "rowsCreated"), ImportApi.Count(job, "rowsSkipped"), ImportApi.Count(job, "rowsFailed")));
        var errors = await owner.ErrorsAsync(ImportApi.Id(job));
        Assert.Equal([(2, "skipped", "domain"), (4, "skipped", "domain"), (6, "failed", "domain"), (7, "failed", "size"), (8, "failed", null)],
            errors.Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("outcome").GetString(), e.GetProperty("field").GetString())));
        Assert.Contains("account number", errors[^1].GetProperty("message").GetString());

        Assert.Equal(["Acme", "Globex", "Initech"], (await owner.Companies.ListNamesAsync("?sort=name")).Order());
        using var response = await owner.Companies.SendAsync(HttpMethod.Get, "/?filter[domain]=globex.test");
        var globex = (await owner.Companies.ReadAsync(response)).GetProperty("data")[0];
        Assert.Equal(12500m, globex.GetProperty("annualRevenue").GetDecimal());
        Assert.Equal("51-200", globex.GetProperty("size").GetString());
        Assert.Equal(owner.UserId, globex.GetProperty("ownerId").GetGuid());
    }
}
