using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.CompanyContacts;

/// <summary>Who may see and change company-contact links: roles, record scopes and other workspaces.</summary>
public sealed class CompanyContactAccessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_lists_links_but_cannot_put_or_delete_them()
    {
        var owner = await ContactLinksApi.RegisterAsync(factory);
        var viewer = await ContactLinksApi.JoinAsync(factory, owner, "viewer", "all");
        var acme = await owner.CreateCompanyAsync("Acme");
        var linked = await owner.CreateContactAsync("Linked");
        var other = await owner.CreateContactAsync("Other");
        await owner.LinkAsync(acme, linked, new { role = "CEO" });

        Assert.Equal(["Linked"], ContactLinksApi.FirstNames(await viewer.ContactsOfAsync(acme)));
        Assert.Single(ContactLinksApi.Data(await viewer.CompaniesOfAsync(linked)));
        foreach (var response in new[]
                 {
                     await viewer.PutLinkAsync(acme, other, new { role = "Spy" }),
                     await viewer.PutLinkAsync(acme, linked, new { role = "Changed" }),
                     await viewer.DeleteLinkAsync(acme, linked),
                 })
        {
            using (response)
            {
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            }
        }
        var contacts = ContactLinksApi.Data(await owner.ContactsOfAsync(acme));
        Assert.Equal(["CEO"], contacts.Select(c => c.GetProperty("role").GetString()));
    }

    [Fact]
    public async Task Another_workspace_cannot_list_link_or_unlink_with_the_first_ones_ids()
    {
        var victim = await ContactLinksApi.RegisterAsync(factory, "Victim");
        var attacker = await ContactLinksApi.RegisterAsync(factory, "Attacker");
        var company = await victim.CreateCompanyAsync("Victim Co");
        var contact = await victim.CreateContactAsync("Secret", companyId: company);
        await victim.LinkAsync(company, contact, new { role = "CFO", isPrimary = true });
        var ownCompany = await attacker.CreateCompanyAsync("Attacker Co");
        var ownContact = await attacker.CreateContactAsync("Mine");

        foreach (var response in new[]
                 {
                     await attacker.Companies.SendAsync(HttpMethod.Get, $"/{company}/contacts"),
                     await attacker.Contacts.SendAsync(HttpMethod.Get, $"/{contact}/companies"),
                     await attacker.PutLinkAsync(company, contact, new { role = "Pwned" }),
                     await attacker.PutLinkAsync(company, ownContact, new { isPrimary = true }),
                     await attacker.PutLinkAsync(ownCompany, contact, new { isPrimary = true }),
                     await attacker.DeleteLinkAsync(company, contact),
                 })
        {
            using (response)
            {
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
        }
        Assert.Empty(ContactLinksApi.Data(await attacker.ContactsOfAsync(ownCompany)));
        Assert.Empty(ContactLinksApi.Data(await attacker.CompaniesOfAsync(ownContact)));

        var intact = ContactLinksApi.Data(await victim.ContactsOfAsync(company));
        Assert.Equal(["CFO"], intact.Select(c => c.GetProperty("role").GetString()));
        Assert.True(intact[0].GetProperty("isPrimary").GetBoolean());
        Assert.Single(ContactLinksApi.Data(await victim.CompaniesOfAsync(contact)));
    }

    [Fact]
    public async Task A_rep_with_scope_own_links_only_records_they_see_and_lists_only_those()
    {
        var owner = await ContactLinksApi.RegisterAsync(factory);
        var rep = await ContactLinksApi.JoinAsync(factory, owner, "sales_rep", "own");
        var ownersCompany = await owner.CreateCompanyAsync("Owner's");
        var ownersContact = await owner.CreateContactAsync("Owners");
        var repsCompany = await rep.CreateCompanyAsync("Rep's");
        var repsContact = await rep.CreateContactAsync("Reps");

        foreach (var response in new[]
                 {
                     await rep.PutLinkAsync(ownersCompany, repsContact, new { }),
                     await rep.PutLinkAsync(repsCompany, ownersContact, new { }),
                     await rep.Companies.SendAsync(HttpMethod.Get, $"/{ownersCompany}/contacts"),
                 })
        {
            using (response)
            {
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
        }
        await rep.LinkAsync(repsCompany, repsContact, new { role = "Champion" });
        // The owner (scope all) links their contact to the rep's company: the rep does not see that contact.
        await owner.LinkAsync(repsCompany, ownersContact, new { role = "Sponsor" });
        Assert.Equal(["Reps"], ContactLinksApi.FirstNames(await rep.ContactsOfAsync(repsCompany)));
        Assert.Equal(["Owners", "Reps"], ContactLinksApi.FirstNames(await owner.ContactsOfAsync(repsCompany, "?sort=firstName")));
        using var unlink = await rep.DeleteLinkAsync(repsCompany, ownersContact);
        await AuthApi.AssertProblemAsync(unlink, HttpStatusCode.NotFound);
    }
}
