using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

public sealed class LeadRoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly object Rule = new { name = "Decision maker", ruleType = "demographic", field = "decisionMaker", @operator = "equals", value = "true", points = 15 };

    [Fact]
    public async Task A_viewer_reads_leads_and_their_history_but_cannot_write_or_convert()
    {
        var owner = await LeadApi.RegisterAsync(factory);
        var viewer = await LeadApi.JoinAsync(factory, owner, "viewer", "all");
        var (lead, etag) = await owner.CreateAsync(new { firstName = "Read", email = "read@x.com", score = 5 });
        var id = lead.GetProperty("id").GetGuid();

        Assert.Equal(["read@x.com"], await viewer.ListFieldAsync("email"));
        Assert.Single(await viewer.ScoreHistoryAsync(id));
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { firstName = "New" }, null),
                     (HttpMethod.Post, "/batch", new { items = new[] { new { firstName = "New" } } }, null),
                     (HttpMethod.Patch, $"/{id}", new { score = 90 }, etag),
                     (HttpMethod.Post, $"/{id}/convert", new { }, null),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{id}/restore", null, null),
                 })
        {
            using var response = await viewer.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        var intact = await owner.GetAsync(id);
        Assert.Equal(("new", 5), (intact.GetProperty("status").GetString(), intact.GetProperty("score").GetInt32()));
        Assert.Empty(await owner.ListAsync("", owner.Contacts));
    }

    [Fact]
    public async Task A_rep_with_scope_own_cannot_see_or_convert_someone_elses_lead_nor_link_records_they_cannot_see()
    {
        var owner = await LeadApi.RegisterAsync(factory);
        var rep = await LeadApi.JoinAsync(factory, owner, "sales_rep", "own");
        var ownersLead = await owner.CreateIdAsync(new { firstName = "Owner's", email = "owners@x.com" });
        var (ownersContact, _) = await owner.Contacts.CreateAsync(new { firstName = "Owner's contact" });
        var (ownersCompany, _) = await owner.Companies.CreateAsync(new { name = "Owner's Co" });

        Assert.Empty(await rep.ListAsync());
        foreach (var path in new[] { $"/{ownersLead}/convert", $"/{ownersLead}/score-history" })
        {
            using var response = await rep.SendAsync(path.EndsWith("convert", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get, path, path.EndsWith("convert", StringComparison.Ordinal) ? new { } : null);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        Assert.Equal("new", (await owner.GetAsync(ownersLead)).GetProperty("status").GetString());

        var repsLead = await rep.CreateIdAsync(new { firstName = "Rep's", companyName = "Owner's Co" });
        foreach (var body in new object[] { new { contactId = ownersContact.GetProperty("id").GetGuid() }, new { companyId = ownersCompany.GetProperty("id").GetGuid() } })
        {
            using var response = await rep.ConvertAsync(repsLead, body);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        // The owner's company of the same name is out of the rep's sight: the conversion makes the rep a company of their own.
        var conversion = await rep.ConvertOkAsync(repsLead);
        Assert.Equal("created", conversion.GetProperty("company").GetProperty("outcome").GetString());
        Assert.Equal(["Owner's Co"], await rep.ListFieldAsync("name", "", rep.Companies));
        using var getContact = await rep.Contacts.SendAsync(HttpMethod.Get, $"/{conversion.GetProperty("contact").GetProperty("id").GetGuid()}");
        Assert.Equal(rep.UserId, (await rep.ReadAsync(getContact)).GetProperty("ownerId").GetGuid());
    }

    [Fact]
    public async Task An_admin_converting_a_reps_lead_makes_records_the_rep_owns()
    {
        var owner = await LeadApi.RegisterAsync(factory);
        var rep = await LeadApi.JoinAsync(factory, owner, "sales_rep", "own");
        var admin = await LeadApi.JoinAsync(factory, owner, "admin", "all");
        var id = await rep.CreateIdAsync(new { firstName = "Handed", companyName = "Over Inc" });

        var conversion = await admin.ConvertOkAsync(id);
        Assert.Equal(admin.UserId, conversion.GetProperty("lead").GetProperty("convertedBy").GetGuid());
        Assert.Equal(["Handed"], await rep.ListFieldAsync("firstName", "", rep.Contacts));
        Assert.Equal(["Over Inc"], await rep.ListFieldAsync("name", "", rep.Companies));
    }

    [Fact]
    public async Task Every_member_reads_scoring_rules_but_only_owners_admins_and_managers_change_them()
    {
        var owner = await LeadApi.RegisterAsync(factory);
        var manager = await LeadApi.JoinAsync(factory, owner, "manager", "team");
        var rep = await LeadApi.JoinAsync(factory, owner, "sales_rep", "own");
        var viewer = await LeadApi.JoinAsync(factory, owner, "viewer", "own");

        var (rule, etag) = await manager.Rules.CreateAsync(Rule);
        var id = rule.GetProperty("id").GetGuid();
        foreach (var member in new[] { owner, rep, viewer })
        {
            Assert.Equal(["Decision maker"], await member.ListFieldAsync("name", "", member.Rules));
        }
        foreach (var member in new[] { rep, viewer })
        {
            foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                     {
                         (HttpMethod.Post, "/", new { name = "Mine", ruleType = "demographic", field = "title", @operator = "contains", value = "CEO", points = 5 }, null),
                         (HttpMethod.Patch, $"/{id}", new { points = 100 }, etag),
                         (HttpMethod.Delete, $"/{id}", null, etag),
                     })
            {
                using var response = await member.Rules.SendAsync(method, path, body, ifMatch);
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            }
        }
        using (var patch = await owner.Rules.SendAsync(HttpMethod.Patch, $"/{id}", new { points = 25 }, etag))
        {
            Assert.Equal(25, (await owner.ReadAsync(patch)).GetProperty("points").GetInt32());
        }
        Assert.Equal(["updated", "created"], (await owner.AuditOfAsync("lead_scoring_rule", id)).Select(a => a.GetProperty("action").GetString()));
    }
}
