using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.CompanyContacts;

namespace Crm.Api.Tests.ContactRelationships;

/// <summary>Who may see and change contact relationships: roles, record scopes and other workspaces.</summary>
public sealed class ContactRelationshipAccessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_viewer_lists_relationships_but_cannot_create_or_delete_them()
    {
        var owner = await ContactLinksApi.RegisterAsync(factory);
        var viewer = await ContactLinksApi.JoinAsync(factory, owner, "viewer", "all");
        var ann = await owner.CreateContactAsync("Ann");
        var bob = await owner.CreateContactAsync("Bob");
        var relationship = await owner.RelateAsync(ann, bob, "manages");

        Assert.Single(await viewer.RelationshipsOfAsync(bob));
        using (var post = await viewer.PostRelationshipAsync(bob, new { relatedContactId = ann, type = "colleague" }))
        {
            await AuthApi.AssertProblemAsync(post, HttpStatusCode.Forbidden);
        }
        using (var delete = await viewer.Contacts.SendAsync(HttpMethod.Delete, $"/{ann}/relationships/{relationship.GetProperty("id").GetGuid()}"))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.Forbidden);
        }
        Assert.Single(await owner.RelationshipsOfAsync(ann));
    }

    [Fact]
    public async Task Another_workspace_cannot_read_relate_to_or_delete_with_the_first_ones_ids()
    {
        var victim = await ContactLinksApi.RegisterAsync(factory, "Victim");
        var attacker = await ContactLinksApi.RegisterAsync(factory, "Attacker");
        var ann = await victim.CreateContactAsync("Ann");
        var bob = await victim.CreateContactAsync("Bob");
        var relationshipId = (await victim.RelateAsync(ann, bob, "reports_to")).GetProperty("id").GetGuid();
        var mine = await attacker.CreateContactAsync("Mine");

        foreach (var response in new[]
                 {
                     await attacker.Contacts.SendAsync(HttpMethod.Get, $"/{ann}/relationships"),
                     await attacker.Contacts.SendAsync(HttpMethod.Get, $"/{ann}/relationships/{relationshipId}"),
                     await attacker.PostRelationshipAsync(ann, new { relatedContactId = bob, type = "colleague" }),
                     await attacker.Contacts.SendAsync(HttpMethod.Delete, $"/{ann}/relationships/{relationshipId}"),
                     await attacker.Contacts.SendAsync(HttpMethod.Delete, $"/{mine}/relationships/{relationshipId}"),
                     await attacker.Contacts.SendAsync(HttpMethod.Get, $"/{mine}/relationships/{relationshipId}"),
                 })
        {
            using (response)
            {
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
        }
        using (var relate = await attacker.PostRelationshipAsync(mine, new { relatedContactId = ann, type = "colleague" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(relate, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("relatedContactId", out _));
        }
        Assert.Empty(await attacker.RelationshipsOfAsync(mine));
        Assert.Single(await victim.RelationshipsOfAsync(ann));
    }

    [Fact]
    public async Task A_rep_with_scope_own_relates_only_contacts_they_see()
    {
        var owner = await ContactLinksApi.RegisterAsync(factory);
        var rep = await ContactLinksApi.JoinAsync(factory, owner, "sales_rep", "own");
        var ownersContact = await owner.CreateContactAsync("Owners");
        var repsContact = await rep.CreateContactAsync("Reps");
        var repsOther = await rep.CreateContactAsync("Other");

        using (var relate = await rep.PostRelationshipAsync(repsContact, new { relatedContactId = ownersContact, type = "colleague" }))
        {
            Assert.True((await AuthApi.AssertProblemAsync(relate, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("relatedContactId", out _));
        }
        using (var list = await rep.Contacts.SendAsync(HttpMethod.Get, $"/{ownersContact}/relationships"))
        {
            await AuthApi.AssertProblemAsync(list, HttpStatusCode.NotFound);
        }
        await rep.RelateAsync(repsContact, repsOther, "colleague");
        // The owner (scope all) relates their contact to the rep's: the rep does not see that relationship.
        var hidden = await owner.RelateAsync(ownersContact, repsContact, "partner");
        Assert.Equal(["Other"], (await rep.RelationshipsOfAsync(repsContact)).Select(r => r.GetProperty("relatedContact").GetProperty("firstName").GetString()));
        Assert.Equal(2, (await owner.RelationshipsOfAsync(repsContact)).Length);
        using var delete = await rep.Contacts.SendAsync(HttpMethod.Delete, $"/{repsContact}/relationships/{hidden.GetProperty("id").GetGuid()}");
        await AuthApi.AssertProblemAsync(delete, HttpStatusCode.NotFound);
    }
}
