using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

public sealed class LeadScoringRuleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_rule_is_created_listed_in_order_patched_deleted_and_restored()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var (rule, etag) = await api.Rules.CreateAsync(new
        {
            name = " Enterprise ", description = "Big companies", ruleType = "firmographic", field = "employeeCount",
            @operator = "greater_than", value = " 1000 ", points = 20, sortOrder = 2,
        });
        var id = rule.GetProperty("id").GetGuid();
        Assert.Equal("Enterprise", rule.GetProperty("name").GetString());
        Assert.Equal("1000", rule.GetProperty("value").GetString());
        Assert.True(rule.GetProperty("isActive").GetBoolean());
        await api.Rules.CreateAsync(new { name = "Target markets", ruleType = "demographic", field = "country", @operator = "in", value = "UK, France ,Germany", points = 10, sortOrder = 1 });
        await api.Rules.CreateAsync(new { name = "Students", ruleType = "demographic", field = "title", @operator = "contains", value = "student", points = -30, sortOrder = 1, isActive = false });

        Assert.Equal(["Students", "Target markets", "Enterprise"], await api.ListFieldAsync("name", "", api.Rules));
        Assert.Equal(["UK,France,Germany"], await api.ListFieldAsync("value", "?filter[field]=country", api.Rules));
        Assert.Equal(["Students"], await api.ListFieldAsync("name", "?filter[isActive]=false", api.Rules));
        Assert.Equal(["Students"], await api.ListFieldAsync("name", "?filter[points][lt]=0", api.Rules));
        Assert.Equal(["Enterprise"], await api.ListFieldAsync("name", "?q=enter", api.Rules));

        using (var patch = await api.Rules.SendAsync(HttpMethod.Patch, $"/{id}", new { @operator = "less_than", value = "10", points = -5 }, etag))
        {
            var patched = await api.ReadAsync(patch);
            Assert.Equal(("less_than", "10", -5), (patched.GetProperty("operator").GetString(), patched.GetProperty("value").GetString(), patched.GetProperty("points").GetInt32()));
            etag = patch.Headers.ETag!.ToString();
        }
        using (var delete = await api.Rules.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Equal(2, (await api.ListAsync("", api.Rules)).Length);
        using (var restore = await api.Rules.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
        Assert.Equal(["restored", "deleted", "updated", "created"],
            (await api.AuditOfAsync("lead_scoring_rule", id)).Select(a => a.GetProperty("action").GetString()));
    }

    [Theory]
    [InlineData("{\"ruleType\":\"firmographic\",\"field\":\"title\",\"operator\":\"equals\",\"value\":\"x\",\"points\":5}", "name")]
    [InlineData("{\"name\":\"r\",\"field\":\"title\",\"operator\":\"equals\",\"value\":\"x\",\"points\":5}", "ruleType")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"hunch\",\"field\":\"title\",\"operator\":\"equals\",\"value\":\"x\",\"points\":5}", "ruleType")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"shoeSize\",\"operator\":\"equals\",\"value\":\"x\",\"points\":5}", "field")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"email\",\"operator\":\"equals\",\"value\":\"x\",\"points\":5,\"x\":1}", "x")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"value\":\"x\",\"points\":5}", "operator")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"operator\":\"greater_than\",\"value\":\"x\",\"points\":5}", "operator")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"source\",\"operator\":\"contains\",\"value\":\"web\",\"points\":5}", "operator")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"decisionMaker\",\"operator\":\"is_set\",\"points\":5}", "operator")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"operator\":\"equals\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"operator\":\"is_set\",\"value\":\"x\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"firmographic\",\"field\":\"budget\",\"operator\":\"greater_than\",\"value\":\"lots\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"firmographic\",\"field\":\"employeeCount\",\"operator\":\"in\",\"value\":\"10,,20\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"decisionMaker\",\"operator\":\"equals\",\"value\":\"yes\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"behavioral\",\"field\":\"source\",\"operator\":\"in\",\"value\":\"website,carrier_pigeon\",\"points\":5}", "value")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"operator\":\"equals\",\"value\":\"x\",\"points\":0}", "points")]
    [InlineData("{\"name\":\"r\",\"ruleType\":\"demographic\",\"field\":\"title\",\"operator\":\"equals\",\"value\":\"x\",\"points\":101}", "points")]
    public async Task An_invalid_rule_answers_400_on_the_field_at_fault(string body, string field)
    {
        var api = await LeadApi.RegisterAsync(factory);
        using var response = await api.Rules.SendAsync(HttpMethod.Post, "/", body);
        var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}");
    }

    [Fact]
    public async Task Valid_criteria_of_every_kind_are_accepted_and_normalized()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var accepted = new[]
        {
            (new { name = "a", ruleType = "behavioral", field = "source", @operator = "not_in", value = "cold_call, other", points = -10 }, "cold_call,other"),
            (new { name = "b", ruleType = "demographic", field = "grade", @operator = "equals", value = "a", points = 30 }, "A"),
            (new { name = "c", ruleType = "demographic", field = "decisionMaker", @operator = "equals", value = "true", points = 15 }, "true"),
            (new { name = "d", ruleType = "firmographic", field = "annualRevenue", @operator = "greater_than", value = "1000000.50", points = 100 }, "1000000.50"),
        };
        foreach (var (body, value) in accepted)
        {
            var (rule, _) = await api.Rules.CreateAsync(body);
            Assert.Equal(value, rule.GetProperty("value").GetString());
        }
        var (isSet, _) = await api.Rules.CreateAsync(new { name = "e", ruleType = "engagement", field = "campaign", @operator = "is_set", points = 5 });
        Assert.Equal(System.Text.Json.JsonValueKind.Null, isSet.GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task A_rule_name_is_unique_among_live_rules_whatever_its_case()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var (first, etag) = await api.Rules.CreateAsync(new { name = "Same", ruleType = "demographic", field = "title", @operator = "contains", value = "VP", points = 5 });
        using (var duplicate = await api.Rules.SendAsync(HttpMethod.Post, "/", new { name = "SAME", ruleType = "demographic", field = "title", @operator = "contains", value = "VP", points = 5 }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("name", out _));
        }
        using (var batch = await api.Rules.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new[]
            {
                new { name = "Twin", ruleType = "demographic", field = "title", @operator = "contains", value = "VP", points = 5 },
                new { name = "twin", ruleType = "demographic", field = "title", @operator = "contains", value = "VP", points = 5 },
            },
        }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(batch, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("items[1].name", out _));
        }
        (await api.Rules.SendAsync(HttpMethod.Delete, $"/{first.GetProperty("id").GetGuid()}", ifMatch: etag)).Dispose();
        await api.Rules.CreateAsync(new { name = "same", ruleType = "demographic", field = "title", @operator = "contains", value = "VP", points = 5 });
        using var restore = await api.Rules.SendAsync(HttpMethod.Post, $"/{first.GetProperty("id").GetGuid()}/restore");
        await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Conflict);
    }
}
