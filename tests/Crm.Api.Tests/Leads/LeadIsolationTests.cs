using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

/// <summary>Another workspace's token attacks the first workspace's leads and rules: every attempt finds nothing.</summary>
public sealed class LeadIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_cannot_read_change_convert_delete_restore_list_or_audit_a_lead_or_its_score_history()
    {
        var victim = await LeadApi.RegisterAsync(factory, "Victim");
        var attacker = await LeadApi.RegisterAsync(factory, "Attacker");
        var (lead, etag) = await victim.CreateAsync(new { firstName = "Secret", email = "secret@example.com", companyName = "Secret Co", score = 40 });
        var id = lead.GetProperty("id").GetGuid();
        var (deleted, deletedEtag) = await victim.CreateAsync(new { firstName = "Deleted" });
        var deletedId = deleted.GetProperty("id").GetGuid();
        (await victim.SendAsync(HttpMethod.Delete, $"/{deletedId}", ifMatch: deletedEtag)).Dispose();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Get, $"/{id}/score-history", null, null),
                     (HttpMethod.Patch, $"/{id}", new { score = 99 }, etag),
                     (HttpMethod.Patch, $"/{id}", new { score = 99 }, "*"),
                     (HttpMethod.Post, $"/{id}/convert", new { }, null),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{deletedId}/restore", null, null),
                 })
        {
            using var response = await attacker.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Empty(await attacker.ListAsync());
        Assert.Empty(await attacker.ListAsync($"?filter[id]={id}"));
        Assert.Empty(await attacker.ListAsync("?q=Secret"));
        Assert.Empty(await attacker.AuditOfAsync("lead", id));
        Assert.Empty(await attacker.ListAsync("", attacker.Contacts));

        var intact = await victim.GetAsync(id);
        Assert.Equal(("new", 40), (intact.GetProperty("status").GetString(), intact.GetProperty("score").GetInt32()));
        Assert.Single(await victim.ScoreHistoryAsync(id));
    }

    [Fact]
    public async Task A_conversion_cannot_link_another_workspaces_contact_or_company_and_makes_nothing_when_asked_to()
    {
        var victim = await LeadApi.RegisterAsync(factory, "Victim");
        var attacker = await LeadApi.RegisterAsync(factory, "Attacker");
        var (victimCompany, _) = await victim.Companies.CreateAsync(new { name = "Victim Co", domain = "victim.example" });
        var (victimContact, _) = await victim.Contacts.CreateAsync(new { firstName = "Victim", email = "victim@victim.example" });
        var id = await attacker.CreateIdAsync(new
        {
            firstName = "Spy", email = "victim@victim.example", companyName = "Victim Co", website = "https://victim.example",
        });

        foreach (var body in new object[]
                 {
                     new { contactId = victimContact.GetProperty("id").GetGuid() },
                     new { companyId = victimCompany.GetProperty("id").GetGuid() },
                 })
        {
            using var response = await attacker.ConvertAsync(id, body);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        Assert.Empty(await attacker.ListAsync("", attacker.Contacts));
        Assert.Empty(await attacker.ListAsync("", attacker.Companies));

        // Matching looks only in the caller's workspace: the same email and domain there make new records here.
        var conversion = await attacker.ConvertOkAsync(id);
        Assert.Equal("created", conversion.GetProperty("contact").GetProperty("outcome").GetString());
        Assert.Equal("created", conversion.GetProperty("company").GetProperty("outcome").GetString());
        Assert.NotEqual(victimContact.GetProperty("id").GetGuid(), conversion.GetProperty("contact").GetProperty("id").GetGuid());
        Assert.Equal(["victim.example"], await attacker.ListFieldAsync("domain", "", attacker.Companies));
        Assert.Single(await victim.ListAsync("", victim.Companies));
        Assert.Single(await victim.ListAsync("", victim.Contacts));
    }

    [Fact]
    public async Task Scoring_rules_are_per_workspace()
    {
        var victim = await LeadApi.RegisterAsync(factory, "Victim");
        var attacker = await LeadApi.RegisterAsync(factory, "Attacker");
        var (rule, etag) = await victim.Rules.CreateAsync(new { name = "Big", ruleType = "firmographic", field = "employeeCount", @operator = "greater_than", value = "1000", points = 20 });
        var id = rule.GetProperty("id").GetGuid();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { points = -50 }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                 })
        {
            using var response = await attacker.Rules.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Empty(await attacker.ListAsync("", attacker.Rules));
        // Names are unique per workspace only.
        await attacker.Rules.CreateAsync(new { name = "Big", ruleType = "firmographic", field = "employeeCount", @operator = "greater_than", value = "5", points = 1 });
        Assert.Equal([20], (await victim.ListAsync("", victim.Rules)).Select(r => r.GetProperty("points").GetInt32()));
    }
}
