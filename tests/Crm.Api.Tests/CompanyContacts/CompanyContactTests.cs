using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.CompanyContacts;

public sealed class CompanyContactTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_put_creates_then_changes_a_link_and_both_lists_show_links_and_own_companies()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var acme = await api.CreateCompanyAsync("Acme");
        var globex = await api.CreateCompanyAsync("Globex");
        var employee = await api.CreateContactAsync("Emma", companyId: acme);
        var adviser = await api.CreateContactAsync("Adam");
        await api.CreateContactAsync("Gina", companyId: globex);

        var created = await api.LinkAsync(acme, adviser, new { role = "  Board adviser " });
        Assert.Equal("Board adviser", created.GetProperty("role").GetString());
        Assert.False(created.GetProperty("isPrimary").GetBoolean());
        Assert.Equal(acme, created.GetProperty("companyId").GetGuid());
        Assert.Equal(adviser, created.GetProperty("contactId").GetGuid());
        var changed = await api.LinkAsync(acme, adviser, new { isPrimary = true }, HttpStatusCode.OK);
        Assert.Equal("Board adviser", changed.GetProperty("role").GetString());
        Assert.True(changed.GetProperty("isPrimary").GetBoolean());
        Assert.Equal(created.GetProperty("id").GetGuid(), changed.GetProperty("id").GetGuid());

        var contacts = ContactLinksApi.Data(await api.ContactsOfAsync(acme, "?sort=firstName"));
        Assert.Equal(["Adam", "Emma"], contacts.Select(c => c.GetProperty("contact").GetProperty("firstName").GetString()));
        var (linked, own) = (contacts[0], contacts[1]);
        Assert.True(linked.GetProperty("viaLink").GetBoolean());
        Assert.False(linked.GetProperty("viaCompanyId").GetBoolean());
        Assert.Equal("Board adviser", linked.GetProperty("role").GetString());
        Assert.True(linked.GetProperty("isPrimary").GetBoolean());
        Assert.Equal("Adam Doe", linked.GetProperty("contact").GetProperty("name").GetString());
        Assert.Equal("adam@example.com", linked.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal("Buyer", linked.GetProperty("contact").GetProperty("title").GetString());
        Assert.False(own.GetProperty("viaLink").GetBoolean());
        Assert.True(own.GetProperty("viaCompanyId").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, own.GetProperty("linkId").ValueKind);

        var adviserCompanies = ContactLinksApi.Data(await api.CompaniesOfAsync(adviser));
        Assert.Equal(["Acme"], adviserCompanies.Select(c => c.GetProperty("company").GetProperty("name").GetString()));
        Assert.True(adviserCompanies[0].GetProperty("viaLink").GetBoolean());
        var employeeCompanies = ContactLinksApi.Data(await api.CompaniesOfAsync(employee));
        Assert.Equal(["Acme"], employeeCompanies.Select(c => c.GetProperty("company").GetProperty("name").GetString()));
        Assert.True(employeeCompanies[0].GetProperty("viaCompanyId").GetBoolean());
        Assert.False(employeeCompanies[0].GetProperty("viaLink").GetBoolean());

        // The contact of the company by its companyId may be linked as well: one row, from both sources.
        await api.LinkAsync(acme, employee, new { role = "Buyer" });
        Assert.Equal(["Adam", "Emma"], ContactLinksApi.FirstNames(await api.ContactsOfAsync(acme, "?filter[viaLink]=true&sort=firstName")));
        var both = ContactLinksApi.Data(await api.ContactsOfAsync(acme, "?filter[viaCompanyId]=true"));
        Assert.Equal(["Emma"], both.Select(c => c.GetProperty("contact").GetProperty("firstName").GetString()));
        Assert.True(both[0].GetProperty("viaLink").GetBoolean());

        var first = await api.ContactsOfAsync(acme, "?sort=firstName&limit=1");
        Assert.Equal(["Adam"], ContactLinksApi.FirstNames(first));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var second = await api.ContactsOfAsync(acme, $"?sort=firstName&limit=1&cursor={Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!)}");
        Assert.Equal(["Emma"], ContactLinksApi.FirstNames(second));
        Assert.False(second.GetProperty("hasMore").GetBoolean());
        Assert.Equal(["Adam"], ContactLinksApi.FirstNames(await api.ContactsOfAsync(acme, "?q=adam")));
        Assert.Equal(["Gina"], ContactLinksApi.FirstNames(await api.ContactsOfAsync(globex)));
    }

    [Fact]
    public async Task Making_a_link_primary_makes_the_contacts_other_primary_link_non_primary_with_audit_rows()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var acme = await api.CreateCompanyAsync("Acme");
        var globex = await api.CreateCompanyAsync("Globex");
        var contact = await api.CreateContactAsync("Pat");

        var first = await api.LinkAsync(acme, contact, new { isPrimary = true, role = "Buyer" });
        var second = await api.LinkAsync(globex, contact, new { isPrimary = true });
        Assert.True(second.GetProperty("isPrimary").GetBoolean());

        var companies = ContactLinksApi.Data(await api.CompaniesOfAsync(contact, "?sort=name"));
        Assert.Equal([false, true], companies.Select(c => c.GetProperty("isPrimary").GetBoolean()));
        Assert.Equal(["Globex"], ContactLinksApi.Data(await api.CompaniesOfAsync(contact, "?filter[isPrimary]=true"))
            .Select(c => c.GetProperty("company").GetProperty("name").GetString()));

        var firstAudit = await api.AuditOfAsync("company_contact", first.GetProperty("id").GetGuid());
        Assert.Equal(["updated", "created"], firstAudit.Select(a => a.GetProperty("action").GetString()));
        Assert.True(firstAudit[0].GetProperty("oldValues").GetProperty("isPrimary").GetBoolean());
        Assert.False(firstAudit[0].GetProperty("newValues").GetProperty("isPrimary").GetBoolean());
        Assert.Equal("Buyer", firstAudit[1].GetProperty("newValues").GetProperty("role").GetString());
        Assert.Equal(contact, firstAudit[1].GetProperty("newValues").GetProperty("contactId").GetGuid());
        Assert.Equal(acme, firstAudit[1].GetProperty("newValues").GetProperty("companyId").GetGuid());

        // A put that changes nothing answers the link and writes no audit row.
        await api.LinkAsync(globex, contact, new { isPrimary = true }, HttpStatusCode.OK);
        Assert.Single(await api.AuditOfAsync("company_contact", second.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Concurrent_puts_making_different_links_primary_all_succeed_and_leave_one_primary()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var contact = await api.CreateContactAsync("Busy");
        var companies = new List<Guid>();
        foreach (var name in new[] { "One", "Two", "Three", "Four", "Five" })
        {
            companies.Add(await api.CreateCompanyAsync(name));
        }

        var responses = await Task.WhenAll(companies.Select(c => api.PutLinkAsync(c, contact, new { isPrimary = true })));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        var links = ContactLinksApi.Data(await api.CompaniesOfAsync(contact));
        Assert.Equal(5, links.Length);
        Assert.Single(links, l => l.GetProperty("isPrimary").GetBoolean());
    }

    [Fact]
    public async Task Delete_removes_the_link_with_an_audit_row_and_is_404_when_there_is_none()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var acme = await api.CreateCompanyAsync("Acme");
        var contact = await api.CreateContactAsync("Lee");
        var link = await api.LinkAsync(acme, contact, new { role = "CTO" });

        using (var delete = await api.DeleteLinkAsync(acme, contact))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Empty(ContactLinksApi.Data(await api.ContactsOfAsync(acme)));
        Assert.Empty(ContactLinksApi.Data(await api.CompaniesOfAsync(contact)));
        using (var again = await api.DeleteLinkAsync(acme, contact))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.NotFound);
        }
        var audit = await api.AuditOfAsync("company_contact", link.GetProperty("id").GetGuid());
        Assert.Equal(["deleted", "created"], audit.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("CTO", audit[0].GetProperty("oldValues").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Bad_bodies_are_400_per_field_and_unknown_or_deleted_records_404()
    {
        var api = await ContactLinksApi.RegisterAsync(factory);
        var acme = await api.CreateCompanyAsync("Acme");
        var contact = await api.CreateContactAsync("Kim");
        var gone = await api.CreateContactAsync("Gone");
        await api.LinkAsync(acme, gone, new { role = "Left" });

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { role = new string('r', 101) }, "role"),
                     (new { isPrimary = "yes" }, "isPrimary"),
                     (new { companyId = acme }, "companyId"),
                     ("[]", "body"),
                 })
        {
            using var response = await api.PutLinkAsync(acme, contact, body);
            var errors = (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out _), $"{field} in {errors}");
        }
        using (var text = await api.Companies.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/v1/companies/{acme}/contacts/{contact}")
        {
            Content = new StringContent("role=x", System.Text.Encoding.UTF8, "text/plain"),
        }))
        {
            await AuthApi.AssertProblemAsync(text, HttpStatusCode.UnsupportedMediaType);
        }
        Assert.Empty(ContactLinksApi.Data(await api.CompaniesOfAsync(contact)));

        await api.DeleteContactAsync(gone);
        Assert.Empty(ContactLinksApi.Data(await api.ContactsOfAsync(acme)));
        var closed = await api.CreateCompanyAsync("Closed");
        await api.LinkAsync(closed, contact, new { isPrimary = true });
        using (var deleteCompany = await api.Companies.SendAsync(HttpMethod.Delete, $"/{closed}", ifMatch: "*"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleteCompany.StatusCode);
        }
        Assert.Empty(ContactLinksApi.Data(await api.CompaniesOfAsync(contact)));
        var unknown = Guid.NewGuid();
        foreach (var (method, path) in new (HttpMethod, string)[]
                 {
                     (HttpMethod.Get, $"/api/v1/companies/{unknown}/contacts"),
                     (HttpMethod.Get, $"/api/v1/contacts/{unknown}/companies"),
                     (HttpMethod.Get, $"/api/v1/contacts/{gone}/companies"),
                     (HttpMethod.Put, $"/api/v1/companies/{unknown}/contacts/{contact}"),
                     (HttpMethod.Put, $"/api/v1/companies/{acme}/contacts/{unknown}"),
                     (HttpMethod.Put, $"/api/v1/companies/{acme}/contacts/{gone}"),
                     (HttpMethod.Delete, $"/api/v1/companies/{acme}/contacts/{gone}"),
                     (HttpMethod.Delete, $"/api/v1/companies/{unknown}/contacts/{contact}"),
                     (HttpMethod.Get, $"/api/v1/companies/{closed}/contacts"),
                     (HttpMethod.Put, $"/api/v1/companies/{closed}/contacts/{contact}"),
                     (HttpMethod.Delete, $"/api/v1/companies/{closed}/contacts/{contact}"),
                 })
        {
            using var request = new HttpRequestMessage(method, path);
            if (method == HttpMethod.Put)
            {
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            }
            using var response = await api.Companies.SendAsync(request);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
    }
}
