using System.Net;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Notes;

public sealed class NoteTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_note_mentions_members_is_pinned_and_unpinned_and_lists_pinned_first()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var colleague = await WorkApi.JoinAsync(factory, api, "sales_rep", "all");
        var lead = await api.LeadAsync();
        var content = "## Call notes\n\n@colleague asked for **pricing**.\n";
        var (note, etag) = await api.Notes.CreateAsync(new { content, leadId = lead, mentions = new[] { colleague.UserId, colleague.UserId } });
        Assert.Equal(content, note.GetProperty("content").GetString());
        Assert.Equal([colleague.UserId], note.GetProperty("mentions").EnumerateArray().Select(m => m.GetGuid()));
        Assert.False(note.GetProperty("isPinned").GetBoolean());
        Assert.Equal(api.UserId, note.GetProperty("ownerId").GetGuid());
        Assert.Equal(api.UserId, note.GetProperty("createdBy").GetGuid());
        var (older, _) = await api.Notes.CreateAsync(new { content = "Older", leadId = lead });

        using (var pin = await api.Notes.SendAsync(HttpMethod.Patch, $"/{Id(note)}", new { isPinned = true }, etag))
        {
            Assert.True((await api.Notes.ReadAsync(pin)).GetProperty("isPinned").GetBoolean());
            etag = pin.Headers.ETag!.ToString();
        }
        using (var pinned = await api.Notes.SendAsync(HttpMethod.Get, $"/?filter[leadId]={lead}&filter[isPinned]=true"))
        {
            Assert.Equal([Id(note)], Ids(await api.Notes.ReadAsync(pinned)));
        }
        using (var all = await api.Notes.SendAsync(HttpMethod.Get, "/?sort=-isPinned,createdAt&q=pricing"))
        {
            Assert.Equal([Id(note)], Ids(await api.Notes.ReadAsync(all)));
        }
        using (var unpin = await api.Notes.SendAsync(HttpMethod.Patch, $"/{Id(note)}", new { isPinned = false }, etag))
        {
            Assert.False((await api.Notes.ReadAsync(unpin)).GetProperty("isPinned").GetBoolean());
        }
        using var list = await api.Notes.SendAsync(HttpMethod.Get, $"/?filter[leadId]={lead}&sort=createdAt");
        Assert.Equal([Id(note), Id(older)], Ids(await api.Notes.ReadAsync(list)));
    }

    [Fact]
    public async Task Mentions_must_be_active_members_and_content_and_a_link_are_required()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var outsider = await WorkApi.RegisterAsync(factory, "Elsewhere");
        var contact = await api.ContactAsync();
        using (var response = await api.Notes.SendAsync(HttpMethod.Post, "/", new { content = "  \n ", mentions = new[] { api.UserId, outsider.UserId } }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest));
            Assert.True(errors.TryGetProperty("content", out _));
            Assert.True(errors.TryGetProperty("contactId", out _));
            Assert.True(errors.TryGetProperty("mentions[1]", out _));
            Assert.False(errors.TryGetProperty("mentions[0]", out _));
        }
        using (var tooLong = await api.Notes.SendAsync(HttpMethod.Post, "/", new { content = new string('x', 20_001), contactId = contact }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(tooLong, HttpStatusCode.BadRequest)).TryGetProperty("content", out _));
        }
        using (var tooMany = await api.Notes.SendAsync(HttpMethod.Post, "/", new
        {
            content = "x", contactId = contact, mentions = Enumerable.Range(0, 51).Select(_ => Guid.CreateVersion7()),
        }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(tooMany, HttpStatusCode.BadRequest)).TryGetProperty("mentions", out _));
        }

        // A member who was suspended can no longer be mentioned.
        var suspended = await WorkApi.JoinAsync(factory, api, "sales_rep", "own");
        await api.ExecuteAsync("UPDATE workspace_members SET status = 'suspended' WHERE user_id = $1 AND workspace_id = $2", suspended.UserId, api.WorkspaceId);
        using (var mention = await api.Notes.SendAsync(HttpMethod.Post, "/", new { content = "x", contactId = contact, mentions = new[] { suspended.UserId } }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(mention, HttpStatusCode.BadRequest)).TryGetProperty("mentions[0]", out _));
        }
        using var list = await api.Notes.SendAsync(HttpMethod.Get, "/");
        Assert.Empty(Ids(await api.Notes.ReadAsync(list)));
    }

    [Fact]
    public async Task Another_workspace_cannot_read_change_or_link_notes_and_a_viewer_cannot_write()
    {
        var victim = await WorkApi.RegisterAsync(factory, "Victim");
        var attacker = await WorkApi.RegisterAsync(factory, "Attacker");
        var viewer = await WorkApi.JoinAsync(factory, victim, "viewer", "all");
        var company = await victim.CompanyAsync();
        var (note, etag) = await victim.Notes.CreateAsync(new { content = "Secret", companyId = company });
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{Id(note)}", null, null),
                     (HttpMethod.Patch, $"/{Id(note)}", new { isPinned = true }, etag),
                     (HttpMethod.Delete, $"/{Id(note)}", null, etag),
                     (HttpMethod.Post, $"/{Id(note)}/restore", null, null),
                 })
        {
            using var response = await attacker.Notes.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var link = await attacker.Notes.SendAsync(HttpMethod.Post, "/", new { content = "Spy", companyId = company, mentions = new[] { victim.UserId } }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(link, HttpStatusCode.BadRequest));
            Assert.True(errors.TryGetProperty("companyId", out _));
            Assert.True(errors.TryGetProperty("mentions[0]", out _));
        }
        using (var search = await attacker.Notes.SendAsync(HttpMethod.Get, "/?q=Secret"))
        {
            Assert.Empty(Ids(await attacker.Notes.ReadAsync(search)));
        }
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { content = "New", companyId = company }, null),
                     (HttpMethod.Patch, $"/{Id(note)}", new { isPinned = true }, etag),
                     (HttpMethod.Delete, $"/{Id(note)}", null, etag),
                 })
        {
            using var response = await viewer.Notes.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        using var get = await viewer.Notes.SendAsync(HttpMethod.Get, $"/{Id(note)}");
        Assert.False((await viewer.Notes.ReadAsync(get)).GetProperty("isPinned").GetBoolean());
    }
}
