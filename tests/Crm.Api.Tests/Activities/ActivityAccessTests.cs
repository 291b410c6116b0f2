using System.Net;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Activities;

/// <summary>Who may read and write activities: another workspace finds nothing, a viewer only reads, scope own sees its own.</summary>
public sealed class ActivityAccessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Another_workspace_cannot_reach_an_activity_or_reference_its_records_and_members()
    {
        var victim = await WorkApi.RegisterAsync(factory, "Victim");
        var attacker = await WorkApi.RegisterAsync(factory, "Attacker");
        var contact = await victim.ContactAsync();
        var lead = await victim.LeadAsync();
        var (deal, _, _) = await victim.DealAsync(DateTimeOffset.UtcNow);
        var (activity, etag) = await victim.Activities.CreateAsync(new { type = "call", subject = "Secret", contactId = contact });
        var (deleted, deletedEtag) = await victim.Activities.CreateAsync(new { type = "call", subject = "Deleted", contactId = contact });
        (await victim.Activities.SendAsync(HttpMethod.Delete, $"/{Id(deleted)}", ifMatch: deletedEtag)).Dispose();

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{Id(activity)}", null, null),
                     (HttpMethod.Patch, $"/{Id(activity)}", new { subject = "Pwned" }, etag),
                     (HttpMethod.Patch, $"/{Id(activity)}", new { subject = "Pwned" }, "*"),
                     (HttpMethod.Delete, $"/{Id(activity)}", null, etag),
                     (HttpMethod.Post, $"/{Id(deleted)}/restore", null, null),
                 })
        {
            using var response = await attacker.Activities.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var list = await attacker.Activities.SendAsync(HttpMethod.Get, $"/?filter[contactId]={contact}&q=Secret"))
        {
            Assert.Empty(Ids(await attacker.Activities.ReadAsync(list)));
        }

        var own = await attacker.ContactAsync();
        using (var create = await attacker.Activities.SendAsync(HttpMethod.Post, "/", new
        {
            type = "meeting", subject = "Spy", contactId = own, dealId = deal, leadId = lead, assignedTo = victim.UserId, scheduledAt = DateTimeOffset.UtcNow,
            participants = new object[] { new { contactId = contact }, new { userId = victim.UserId } },
            reminders = new object[] { new { minutesBefore = 5, recipientId = victim.UserId } },
        }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(create, HttpStatusCode.BadRequest));
            foreach (var field in new[] { "dealId", "leadId", "assignedTo", "participants[0].contactId", "participants[1].userId", "reminders[0].recipientId" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
            }
        }
        using var get = await victim.Activities.SendAsync(HttpMethod.Get, $"/{Id(activity)}");
        Assert.Equal("Secret", (await victim.Activities.ReadAsync(get)).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_viewer_reads_but_cannot_write_and_a_rep_with_scope_own_sees_and_links_only_their_own()
    {
        var owner = await WorkApi.RegisterAsync(factory);
        var viewer = await WorkApi.JoinAsync(factory, owner, "viewer", "all");
        var rep = await WorkApi.JoinAsync(factory, owner, "sales_rep", "own");
        var ownersContact = await owner.ContactAsync("Owner's");
        var (activity, etag) = await owner.Activities.CreateAsync(new { type = "note", subject = "Owner's", contactId = ownersContact });

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { type = "call", subject = "x", contactId = ownersContact }, null),
                     (HttpMethod.Post, "/batch", new { items = new[] { new { type = "call", subject = "x", contactId = ownersContact } } }, null),
                     (HttpMethod.Patch, $"/{Id(activity)}", new { subject = "Changed" }, etag),
                     (HttpMethod.Delete, $"/{Id(activity)}", null, etag),
                     (HttpMethod.Post, $"/{Id(activity)}/restore", null, null),
                 })
        {
            using var response = await viewer.Activities.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        using (var read = await viewer.Activities.SendAsync(HttpMethod.Get, $"/{Id(activity)}"))
        {
            Assert.Equal("Owner's", (await viewer.Activities.ReadAsync(read)).GetProperty("subject").GetString());
        }

        using (var hidden = await rep.Activities.SendAsync(HttpMethod.Get, $"/{Id(activity)}"))
        {
            await AuthApi.AssertProblemAsync(hidden, HttpStatusCode.NotFound);
        }
        using (var link = await rep.Activities.SendAsync(HttpMethod.Post, "/", new { type = "call", subject = "x", contactId = ownersContact }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(link, HttpStatusCode.BadRequest)).TryGetProperty("contactId", out _));
        }
        var repsContact = await rep.ContactAsync("Rep's");
        var (mine, _) = await rep.Activities.CreateAsync(new { type = "call", subject = "Mine", contactId = repsContact, assignedTo = owner.UserId });
        using (var list = await rep.Activities.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Equal([Id(mine)], Ids(await rep.Activities.ReadAsync(list)));
        }
        using var all = await owner.Activities.SendAsync(HttpMethod.Get, "/");
        Assert.Equal(2, Ids(await owner.Activities.ReadAsync(all)).Count);
    }

    [Fact]
    public async Task An_Idempotency_Key_replays_the_first_activity_and_comment_instead_of_creating_twice()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var contact = await api.ContactAsync();
        var body = new { type = "call", subject = "Once", contactId = contact, participants = new[] { new { contactId = contact } } };
        using var first = await api.Activities.SendAsync(HttpMethod.Post, "/", body, idempotencyKey: "activity-1");
        using var replay = await api.Activities.SendAsync(HttpMethod.Post, "/", body, idempotencyKey: "activity-1");
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.True(replay.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        using (var list = await api.Activities.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Single(Ids(await api.Activities.ReadAsync(list)));
        }

        var activity = Id(await api.Activities.ReadAsync(first, HttpStatusCode.Created));
        var comment = new { entityType = "activity", entityId = activity, content = "Once" };
        using var firstComment = await api.Comments.SendAsync(HttpMethod.Post, "/", comment, idempotencyKey: "comment-1");
        using var replayedComment = await api.Comments.SendAsync(HttpMethod.Post, "/", comment, idempotencyKey: "comment-1");
        Assert.Equal(HttpStatusCode.Created, replayedComment.StatusCode);
        Assert.True(replayedComment.Headers.Contains("Idempotency-Replayed"));
        using (var other = await api.Comments.SendAsync(HttpMethod.Post, "/", new { entityType = "activity", entityId = activity, content = "Other" }, idempotencyKey: "comment-1"))
        {
            await AuthApi.AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity);
        }
        using var comments = await api.Comments.SendAsync(HttpMethod.Get, $"/?entityType=activity&entityId={activity}");
        Assert.Single(Ids(await api.Comments.ReadAsync(comments)));
    }
}
