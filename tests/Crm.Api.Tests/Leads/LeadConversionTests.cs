using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Leads;

public sealed class LeadConversionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly object FullLead = new
    {
        firstName = "Ada", lastName = "Lovelace", email = "ada@analytical.example", phone = "+44 1", title = "Analyst",
        companyName = "Analytical Engines", website = "https://www.analytical.example/about", industry = "Computing",
        employeeCount = 12, annualRevenue = 250000m, currency = "GBP", city = "London", country = "UK",
        source = "website", qualificationStatus = "sales_qualified", score = 64, budget = 12000m,
    };

    [Fact]
    public async Task Converting_with_no_body_creates_the_contact_and_company_from_the_lead_and_marks_it_converted()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(FullLead);

        using var response = await api.ConvertAsync(id);
        var conversion = await api.ReadAsync(response);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("created", conversion.GetProperty("contact").GetProperty("outcome").GetString());
        Assert.Equal("created", conversion.GetProperty("company").GetProperty("outcome").GetString());
        var contactId = conversion.GetProperty("contact").GetProperty("id").GetGuid();
        var companyId = conversion.GetProperty("company").GetProperty("id").GetGuid();

        var lead = conversion.GetProperty("lead");
        Assert.Equal("converted", lead.GetProperty("status").GetString());
        Assert.Equal(contactId, lead.GetProperty("convertedContactId").GetGuid());
        Assert.Equal(companyId, lead.GetProperty("convertedCompanyId").GetGuid());
        Assert.Equal(api.UserId, lead.GetProperty("convertedBy").GetGuid());
        Assert.NotEqual(JsonValueKind.Null, lead.GetProperty("convertedAt").ValueKind);
        Assert.Equal(response.Headers.ETag!.ToString(), await api.ETagOfAsync(id));
        Assert.Equal("converted", (await api.GetAsync(id)).GetProperty("status").GetString());

        using (var getCompany = await api.Companies.SendAsync(HttpMethod.Get, $"/{companyId}"))
        {
            var company = await api.ReadAsync(getCompany);
            Assert.Equal("Analytical Engines", company.GetProperty("name").GetString());
            Assert.Equal("analytical.example", company.GetProperty("domain").GetString());
            Assert.Equal("GBP", company.GetProperty("currency").GetString());
            Assert.Equal(12, company.GetProperty("employeeCount").GetInt32());
            Assert.Equal(api.UserId, company.GetProperty("ownerId").GetGuid());
        }
        using (var getContact = await api.Contacts.SendAsync(HttpMethod.Get, $"/{contactId}"))
        {
            var contact = await api.ReadAsync(getContact);
            Assert.Equal("Ada", contact.GetProperty("firstName").GetString());
            Assert.Equal("ada@analytical.example", contact.GetProperty("email").GetString());
            Assert.Equal("Analyst", contact.GetProperty("title").GetString());
            Assert.Equal(companyId, contact.GetProperty("companyId").GetGuid());
            Assert.Equal("sql", contact.GetProperty("lifecycleStage").GetString());
            Assert.Equal("website", contact.GetProperty("source").GetString());
            Assert.Equal(64, contact.GetProperty("leadScore").GetInt32());
        }

        Assert.Equal(["created"], (await api.AuditOfAsync("contact", contactId)).Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(["created"], (await api.AuditOfAsync("company", companyId)).Select(a => a.GetProperty("action").GetString()));
        var leadAudit = await api.AuditOfAsync("lead", id);
        Assert.Equal(["converted", "created"], leadAudit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("sales_qualified", (await api.GetAsync(id)).GetProperty("qualificationStatus").GetString());
        Assert.Equal("new", leadAudit[0].GetProperty("oldValues").GetProperty("status").GetString());
        Assert.Equal("converted", leadAudit[0].GetProperty("newValues").GetProperty("status").GetString());
        Assert.Equal(contactId, leadAudit[0].GetProperty("newValues").GetProperty("convertedContactId").GetGuid());
    }

    [Fact]
    public async Task A_converted_lead_cannot_be_changed_or_converted_again_but_can_be_deleted_and_restored()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(new { firstName = "Once", email = "once@example.com" });
        await api.ConvertOkAsync(id);

        using (var again = await api.ConvertAsync(id, new { }))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.Conflict);
        }
        var etag = await api.ETagOfAsync(id);
        using (var patch = await api.SendAsync(HttpMethod.Patch, $"/{id}", new { firstName = "Twice" }, etag))
        {
            await AuthApi.AssertProblemAsync(patch, HttpStatusCode.Conflict);
        }
        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var convertDeleted = await api.ConvertAsync(id))
        {
            await AuthApi.AssertProblemAsync(convertDeleted, HttpStatusCode.NotFound);
        }
        using (var restore = await api.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal("converted", (await api.ReadAsync(restore)).GetProperty("status").GetString());
        }
        Assert.Single(await api.ListAsync("", api.Contacts));
        Assert.Equal("Once", (await api.GetAsync(id)).GetProperty("firstName").GetString());
    }

    [Fact]
    public async Task Given_ids_are_linked_and_a_linked_contact_without_a_company_gets_the_leads()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var (company, _) = await api.Companies.CreateAsync(new { name = "Chosen Co" });
        var companyId = company.GetProperty("id").GetGuid();
        var (contact, _) = await api.Contacts.CreateAsync(new { firstName = "Chosen", email = "chosen@example.com" });
        var contactId = contact.GetProperty("id").GetGuid();
        var id = await api.CreateIdAsync(FullLead);

        var conversion = await api.ConvertOkAsync(id, new { contactId, companyId });
        Assert.Equal((contactId, "linked"), (conversion.GetProperty("contact").GetProperty("id").GetGuid(), conversion.GetProperty("contact").GetProperty("outcome").GetString()));
        Assert.Equal((companyId, "linked"), (conversion.GetProperty("company").GetProperty("id").GetGuid(), conversion.GetProperty("company").GetProperty("outcome").GetString()));

        Assert.Single(await api.ListAsync("", api.Contacts));
        Assert.Equal(["Chosen Co"], await api.ListFieldAsync("name", "", api.Companies));
        using (var getContact = await api.Contacts.SendAsync(HttpMethod.Get, $"/{contactId}"))
        {
            var linked = await api.ReadAsync(getContact);
            Assert.Equal(companyId, linked.GetProperty("companyId").GetGuid());
            Assert.Equal("Chosen", linked.GetProperty("firstName").GetString());
        }
        var contactAudit = await api.AuditOfAsync("contact", contactId);
        Assert.Equal(["updated", "created"], contactAudit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(companyId, contactAudit[0].GetProperty("newValues").GetProperty("companyId").GetGuid());
        Assert.Single(await api.AuditOfAsync("company", companyId));
    }

    [Fact]
    public async Task Existing_records_are_matched_by_email_then_by_website_domain_then_by_company_name()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var (otherCompany, _) = await api.Companies.CreateAsync(new { name = "Other Co" });
        var (contact, _) = await api.Contacts.CreateAsync(new
        {
            firstName = "Known", email = "KNOWN@example.com", companyId = otherCompany.GetProperty("id").GetGuid(),
        });
        var (byDomain, _) = await api.Companies.CreateAsync(new { name = "Registered Name Ltd", domain = "engines.example" });
        var (byName, _) = await api.Companies.CreateAsync(new { name = "Babbage & Co" });

        var first = await api.ConvertOkAsync(await api.CreateIdAsync(new
        {
            firstName = "Known", email = "known@example.com", companyName = "Trading Name", website = "http://WWW.Engines.example",
        }));
        Assert.Equal((contact.GetProperty("id").GetGuid(), "matched_by_email"),
            (first.GetProperty("contact").GetProperty("id").GetGuid(), first.GetProperty("contact").GetProperty("outcome").GetString()));
        Assert.Equal((byDomain.GetProperty("id").GetGuid(), "matched_by_domain"),
            (first.GetProperty("company").GetProperty("id").GetGuid(), first.GetProperty("company").GetProperty("outcome").GetString()));

        var second = await api.ConvertOkAsync(await api.CreateIdAsync(new { lastName = "Newcomer", companyName = "  babbage & CO " }));
        Assert.Equal("created", second.GetProperty("contact").GetProperty("outcome").GetString());
        Assert.Equal((byName.GetProperty("id").GetGuid(), "matched_by_name"),
            (second.GetProperty("company").GetProperty("id").GetGuid(), second.GetProperty("company").GetProperty("outcome").GetString()));

        // A matched contact keeps the company it has: the conversion does not move people between companies.
        using (var getContact = await api.Contacts.SendAsync(HttpMethod.Get, $"/{contact.GetProperty("id").GetGuid()}"))
        {
            Assert.Equal(otherCompany.GetProperty("id").GetGuid(), (await api.ReadAsync(getContact)).GetProperty("companyId").GetGuid());
        }
        Assert.Equal(3, (await api.ListAsync("", api.Companies)).Length);
        Assert.Equal(2, (await api.ListAsync("", api.Contacts)).Length);
    }

    [Fact]
    public async Task A_lead_without_a_company_name_converts_to_a_contact_only_and_one_without_a_person_needs_a_contactId()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var personOnly = await api.ConvertOkAsync(await api.CreateIdAsync(new { firstName = "Solo" }));
        Assert.Equal(JsonValueKind.Null, personOnly.GetProperty("company").ValueKind);
        Assert.Equal(JsonValueKind.Null, personOnly.GetProperty("lead").GetProperty("convertedCompanyId").ValueKind);
        Assert.Empty(await api.ListAsync("", api.Companies));

        var companyOnly = await api.CreateIdAsync(new { companyName = "Faceless Inc" });
        using (var refused = await api.ConvertAsync(companyOnly))
        {
            var errors = (await AuthApi.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("contactId", out _));
        }
        Assert.Empty(await api.ListAsync("", api.Companies));
        Assert.Equal("new", (await api.GetAsync(companyOnly)).GetProperty("status").GetString());

        var contactId = personOnly.GetProperty("contact").GetProperty("id").GetGuid();
        var linked = await api.ConvertOkAsync(companyOnly, new { contactId });
        Assert.Equal("created", linked.GetProperty("company").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Bad_input_is_refused_before_anything_is_made()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(FullLead);
        foreach (var body in new object[]
                 {
                     new { contactId = Guid.CreateVersion7() },
                     new { companyId = Guid.CreateVersion7() },
                     new { contactId = "not-a-uuid" },
                     new { unknown = true },
                 })
        {
            using var response = await api.ConvertAsync(id, body);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        using (var text = await api.Companies.WithResource("/api/v1/leads").SendAsync(HttpMethod.Post, $"/{id}/convert", "[]"))
        {
            await AuthApi.AssertProblemAsync(text, HttpStatusCode.BadRequest);
        }
        using (var missing = await api.ConvertAsync(Guid.CreateVersion7()))
        {
            await AuthApi.AssertProblemAsync(missing, HttpStatusCode.NotFound);
        }
        using (var stale = await api.ConvertAsync(id, new { }, ifMatch: "\"1\""))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        Assert.Empty(await api.ListAsync("", api.Contacts));
        Assert.Empty(await api.ListAsync("", api.Companies));
        Assert.Equal("new", (await api.GetAsync(id)).GetProperty("status").GetString());

        var converted = await api.ConvertOkAsync(id, new { });
        Assert.Equal("converted", converted.GetProperty("lead").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_failure_in_the_database_after_the_company_was_made_undoes_the_whole_conversion()
    {
        // The owner's contact has the lead's email; a rep with scope own cannot see it, so the conversion makes a
        // company, then a contact that the unique email index refuses: nothing of it may remain.
        var owner = await LeadApi.RegisterAsync(factory);
        await owner.Contacts.CreateAsync(new { firstName = "Taken", email = "taken@example.com" });
        var rep = await LeadApi.JoinAsync(factory, owner, "sales_rep", "own");
        var id = await rep.CreateIdAsync(new { firstName = "Rep's", email = "taken@example.com", companyName = "Fresh Company", score = 20 });

        using (var response = await rep.ConvertAsync(id))
        {
            var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _));
        }
        Assert.Empty(await owner.ListAsync("", owner.Companies));
        Assert.Single(await owner.ListAsync("", owner.Contacts));
        var lead = await rep.GetAsync(id);
        Assert.Equal("new", lead.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, lead.GetProperty("convertedCompanyId").ValueKind);
        Assert.Equal(["created"], (await owner.AuditOfAsync("lead", id)).Select(a => a.GetProperty("action").GetString()));
        using var companyAudit = await owner.Companies.GetAuditAsync("?entityType=company");
        Assert.Equal(0, (await owner.ReadAsync(companyAudit)).GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task An_Idempotency_Key_replays_the_first_conversion()
    {
        var api = await LeadApi.RegisterAsync(factory);
        var id = await api.CreateIdAsync(FullLead);
        var key = Guid.NewGuid().ToString();

        using var first = await api.ConvertAsync(id, new { }, idempotencyKey: key);
        var firstBody = await api.ReadAsync(first);
        using var replay = await api.ConvertAsync(id, new { }, idempotencyKey: key);
        var replayBody = await api.ReadAsync(replay);
        Assert.Equal("true", replay.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(firstBody.GetProperty("contact").GetProperty("id").GetGuid(), replayBody.GetProperty("contact").GetProperty("id").GetGuid());
        using (var otherBody = await api.ConvertAsync(id, new { companyId = Guid.CreateVersion7() }, idempotencyKey: key))
        {
            await AuthApi.AssertProblemAsync(otherBody, HttpStatusCode.UnprocessableEntity);
        }
        using (var withoutKey = await api.ConvertAsync(id, new { }))
        {
            await AuthApi.AssertProblemAsync(withoutKey, HttpStatusCode.Conflict);
        }
        Assert.Single(await api.ListAsync("", api.Contacts));
        Assert.Single(await api.ListAsync("", api.Companies));
    }

    [Fact]
    public async Task Of_concurrent_conversions_of_one_lead_exactly_one_succeeds()
    {
        var api = await LeadApi.RegisterAsync(factory);
        for (var round = 0; round < 3; round++)
        {
            var id = await api.CreateIdAsync(new { firstName = $"Race {round}", companyName = $"Race Co {round}" });
            var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => api.ConvertAsync(id, new { })));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());
            foreach (var response in responses)
            {
                response.Dispose();
            }
            Assert.Single(await api.ListAsync($"?q=Race {round}", api.Contacts));
            Assert.Single(await api.ListAsync($"?q=Race Co {round}", api.Companies));
        }
    }
}
