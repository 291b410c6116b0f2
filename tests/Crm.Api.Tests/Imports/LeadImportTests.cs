namespace Crm.Api.Tests.Imports;

/// <summary>CSV imports of leads: the leads' own rules, custom fields checked, a score history row per scored lead.</summary>
public sealed class LeadImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Leads_are_imported_with_their_rules_custom_fields_and_score_history()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Leads");
        await owner.Companies.WithResource("/api/v1/custom-fields")
            .CreateAsync(new { objectType = "lead", key = "budget_band", label = "Budget band", fieldType = "select", options = new[] { new { value = "small" }, new { value = "large" } } });
        var csv = ImportApi.Csv("firstName,lastName,email,companyName,score,customFields",
        [
            "Grace,Hopper,grace@navy.test,Navy,80,\"{\"\"budget_band\"\":\"\"large\"\"}\"",  // row 2
            "Alan,Turing,alan@bletchley.test,,101,",        // row 3: score out of range
            "Ada,Lovelace,ada@engine.test,,,\"{\"\"budget_band\"\":\"\"huge\"\"}\"",          // row 4: not an option
            "Grace,Again,GRACE@navy.test,,,",               // row 5: row 2's email
        ]);

        var job = await owner.ImportAsync(csv, objectType: "leads");

        Assert.Equal((1, 1, 2), (ImportApi.Count(job, "rowsCreated"), ImportApi.Count(job, "rowsSkipped"), ImportApi.Count(job, "rowsFailed")));
        var errors = await owner.ErrorsAsync(ImportApi.Id(job));
        Assert.Equal([(3, "failed", "score"), (4, "failed", "customFields.budget_band"), (5, "skipped", "email")],
            errors.Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("outcome").GetString(), e.GetProperty("field").GetString())));

        await using var history = factory.Database.DataSource.CreateCommand(
            "SELECT l.score, h.new_score, h.reason FROM leads l JOIN lead_score_history h ON h.lead_id = l.id WHERE l.email = 'grace@navy.test'");
        await using var reader = await history.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((80, 80, "manual"), (reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2)));
    }
}
