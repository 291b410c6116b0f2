using System.Net;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Comments;

public sealed class CommentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_thread_on_a_note_is_listed_oldest_first_and_replies_stay_on_the_same_record()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var colleague = await WorkApi.JoinAsync(factory, api, "sales_rep", "all");
        var contact = await api.ContactAsync();
        var (note, _) = await api.Notes.CreateAsync(new { content = "Discuss", contactId = contact });
        var (otherNote, _) = await api.Notes.CreateAsync(new { content = "Elsewhere", contactId = contact });

        var (first, _) = await api.Comments.CreateAsync(new { entityType = "note", entityId = Id(note), content = "What do we think?" });
        Assert.Equal("note", first.GetProperty("entityType").GetString());
        Assert.Equal(api.UserId, first.GetProperty("createdBy").GetGuid());
        var (reply, _) = await colleague.Comments.CreateAsync(new
        {
            entityType = "note", entityId = Id(note), parentCommentId = Id(first), content = "Agreed", mentions = new[] { api.UserId },
        });
        Assert.Equal(Id(first), reply.GetProperty("parentCommentId").GetGuid());
        await api.Comments.CreateAsync(new { entityType = "note", entityId = Id(otherNote), content = "Not this thread" });

        using (var list = await api.Comments.SendAsync(HttpMethod.Get, $"/?entityType=note&entityId={Id(note)}"))
        {
            Assert.Equal([Id(first), Id(reply)], Ids(await api.Comments.ReadAsync(list)));
        }
        using (var replies = await api.Comments.SendAsync(HttpMethod.Get, $"/?entityType=note&entityId={Id(note)}&filter[parentCommentId]={Id(first)}"))
        {
            Assert.Equal([Id(reply)], Ids(await api.Comments.ReadAsync(replies)));
        }
        using (var paged = await api.Comments.SendAsync(HttpMethod.Get, $"/?entityType=note&entityId={Id(note)}&limit=1"))
        {
            var page = await api.Comments.ReadAsync(paged);
            Assert.Equal([Id(first)], Ids(page));
            using var next = await api.Comments.SendAsync(HttpMethod.Get, $"/?entityType=note&entityId={Id(note)}&limit=1&cursor={page.GetProperty("nextCursor").GetString()}");
            Assert.Equal([Id(reply)], Ids(await api.Comments.ReadAsync(next)));
        }

        // A reply's parent must be a live comment on the same record.
        using (var crossThread = await api.Comments.SendAsync(HttpMethod.Post, "/", new
        {
            entityType = "note", entityId = Id(otherNote), parentCommentId = Id(first), content = "Wrong thread",
        }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(crossThread, HttpStatusCode.BadRequest)).TryGetProperty("parentCommentId", out _));
        }
        using (var invalid = await api.Comments.SendAsync(HttpMethod.Post, "/", new { entityType = "email", content = " ", mentions = new[] { Guid.CreateVersion7() } }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(invalid, HttpStatusCode.BadRequest));
            Assert.True(errors.TryGetProperty("entityType", out _));
        }
        using (var blank = await api.Comments.SendAsync(HttpMethod.Post, "/", new { entityType = "note", entityId = Id(note), content = " ", mentions = new[] { Guid.CreateVersion7() } }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(blank, HttpStatusCode.BadRequest));
            Assert.True(errors.TryGetProperty("content", out _));
            Assert.True(errors.TryGetProperty("mentions[0]", out _));
        }
        using (var missing = await api.Comments.SendAsync(HttpMethod.Post, "/", new { entityType = "task", entityId = Guid.CreateVersion7(), content = "x" }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(missing, HttpStatusCode.BadRequest)).TryGetProperty("entityId", out _));
        }
        using (var noTarget = await api.Comments.SendAsync(HttpMethod.Get, "/?entityType=note"))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(noTarget, HttpStatusCode.BadRequest)).TryGetProperty("entityId", out _));
        }
    }

    [Fact]
    public async Task Only_the_author_edits_and_the_author_or_an_admin_deletes()
    {
        var owner = await WorkApi.RegisterAsync(factory);
        var author = await WorkApi.JoinAsync(factory, owner, "sales_rep", "all");
        var other = await WorkApi.JoinAsync(factory, owner, "sales_rep", "all");
        var admin = await WorkApi.JoinAsync(factory, owner, "admin", "all");
        var (task, _) = await owner.Tasks.CreateAsync(new { title = "Review" });
        var (comment, etag) = await author.Comments.CreateAsync(new { entityType = "task", entityId = Id(task), content = "First draft" });

        using (var edit = await other.Comments.SendAsync(HttpMethod.Patch, $"/{Id(comment)}", new { content = "Hijacked" }, etag))
        {
            await AuthApi.AssertProblemAsync(edit, HttpStatusCode.Forbidden);
        }
        using (var ownerEdit = await owner.Comments.SendAsync(HttpMethod.Patch, $"/{Id(comment)}", new { content = "Hijacked" }, etag))
        {
            await AuthApi.AssertProblemAsync(ownerEdit, HttpStatusCode.Forbidden);
        }
        using (var noIfMatch = await author.Comments.SendAsync(HttpMethod.Patch, $"/{Id(comment)}", new { content = "Edited" }))
        {
            await AuthApi.AssertProblemAsync(noIfMatch, HttpStatusCode.PreconditionRequired);
        }
        using (var edit = await author.Comments.SendAsync(HttpMethod.Patch, $"/{Id(comment)}", new { content = "Final", mentions = new[] { other.UserId } }, etag))
        {
            var edited = await author.Comments.ReadAsync(edit);
            Assert.Equal("Final", edited.GetProperty("content").GetString());
            Assert.Equal(author.UserId, edited.GetProperty("updatedBy").GetGuid());
            Assert.NotEqual(etag, edit.Headers.ETag!.ToString());
            etag = edit.Headers.ETag!.ToString();
        }
        using (var delete = await other.Comments.SendAsync(HttpMethod.Delete, $"/{Id(comment)}", ifMatch: etag))
        {
            await AuthApi.AssertProblemAsync(delete, HttpStatusCode.Forbidden);
        }
        using (var delete = await admin.Comments.SendAsync(HttpMethod.Delete, $"/{Id(comment)}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await author.Comments.SendAsync(HttpMethod.Get, $"/{Id(comment)}"))
        {
            await AuthApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }
        var (own, ownEtag) = await other.Comments.CreateAsync(new { entityType = "task", entityId = Id(task), content = "Mine" });
        using (var delete = await other.Comments.SendAsync(HttpMethod.Delete, $"/{Id(own)}", ifMatch: ownEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var list = await owner.Comments.SendAsync(HttpMethod.Get, $"/?entityType=task&entityId={Id(task)}"))
        {
            Assert.Empty(Ids(await owner.Comments.ReadAsync(list)));
        }

        // Restoring follows the rule of deleting; a live comment has nothing to restore.
        using (var restore = await other.Comments.SendAsync(HttpMethod.Post, $"/{Id(comment)}/restore"))
        {
            await AuthApi.AssertProblemAsync(restore, HttpStatusCode.Forbidden);
        }
        using (var restore = await author.Comments.SendAsync(HttpMethod.Post, $"/{Id(comment)}/restore"))
        {
            var restored = await author.Comments.ReadAsync(restore);
            Assert.Equal("Final", restored.GetProperty("content").GetString());
            Assert.NotNull(restore.Headers.ETag);
        }
        using (var again = await author.Comments.SendAsync(HttpMethod.Post, $"/{Id(comment)}/restore"))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.NotFound);
        }
        using (var list = await owner.Comments.SendAsync(HttpMethod.Get, $"/?entityType=task&entityId={Id(task)}"))
        {
            Assert.Equal([Id(comment)], Ids(await owner.Comments.ReadAsync(list)));
        }
        using var audit = await owner.Companies.GetAuditAsync($"?entityType=comment&entityId={Id(comment)}");
        Assert.Equal(["restored", "deleted", "updated", "created"],
            (await owner.Companies.ReadAsync(audit)).GetProperty("data").EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Reactions_are_per_member_idempotent_and_none_is_lost_when_members_react_at_once()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var members = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkApi.JoinAsync(factory, api, "sales_rep", "all")));
        var (deal, _, _) = await api.DealAsync(DateTimeOffset.UtcNow);
        var (comment, _) = await api.Comments.CreateAsync(new { entityType = "deal", entityId = deal, content = "Signed!" });
        var thumbs = Uri.EscapeDataString("👍");

        for (var i = 0; i < 2; i++)
        {
            using var add = await api.Comments.SendAsync(HttpMethod.Put, $"/{Id(comment)}/reactions/{thumbs}");
            Assert.Equal([api.UserId], (await api.Comments.ReadAsync(add)).GetProperty("reactions").GetProperty("👍").EnumerateArray().Select(u => u.GetGuid()));
        }

        var responses = await Task.WhenAll(members.Select(m => m.Comments.SendAsync(HttpMethod.Put, $"/{Id(comment)}/reactions/{thumbs}")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
        using (var get = await api.Comments.SendAsync(HttpMethod.Get, $"/{Id(comment)}"))
        {
            var givers = (await api.Comments.ReadAsync(get)).GetProperty("reactions").GetProperty("👍").EnumerateArray().Select(u => u.GetGuid()).ToHashSet();
            Assert.True(givers.SetEquals(members.Select(m => m.UserId).Append(api.UserId)));
        }

        using (var remove = await api.Comments.SendAsync(HttpMethod.Delete, $"/{Id(comment)}/reactions/{thumbs}"))
        {
            Assert.Equal(4, (await api.Comments.ReadAsync(remove)).GetProperty("reactions").GetProperty("👍").GetArrayLength());
        }
        using (var party = await members[0].Comments.SendAsync(HttpMethod.Put, $"/{Id(comment)}/reactions/:tada:"))
        {
            Assert.Equal(2, (await api.Comments.ReadAsync(party)).GetProperty("reactions").EnumerateObject().Count());
        }
        using (var undo = await members[0].Comments.SendAsync(HttpMethod.Delete, $"/{Id(comment)}/reactions/:tada:"))
        {
            var reactions = (await api.Comments.ReadAsync(undo)).GetProperty("reactions");
            Assert.False(reactions.TryGetProperty(":tada:", out _));
        }
        using (var bad = await api.Comments.SendAsync(HttpMethod.Put, $"/{Id(comment)}/reactions/{Uri.EscapeDataString("two words")}"))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).TryGetProperty("reaction", out _));
        }
    }

    [Fact]
    public async Task Comments_follow_their_record_out_of_sight_and_another_workspace_finds_none()
    {
        var victim = await WorkApi.RegisterAsync(factory, "Victim");
        var attacker = await WorkApi.RegisterAsync(factory, "Attacker");
        var viewer = await WorkApi.JoinAsync(factory, victim, "viewer", "all");
        var rep = await WorkApi.JoinAsync(factory, victim, "sales_rep", "own");
        var contact = await victim.ContactAsync();
        var (activity, activityEtag) = await victim.Activities.CreateAsync(new { type = "call", subject = "Secret call", contactId = contact });
        var (comment, etag) = await victim.Comments.CreateAsync(new { entityType = "activity", entityId = Id(activity), content = "Secret" });
        var (deleted, deletedEtag) = await victim.Comments.CreateAsync(new { entityType = "activity", entityId = Id(activity), content = "Withdrawn" });
        using (var delete = await victim.Comments.SendAsync(HttpMethod.Delete, $"/{Id(deleted)}", ifMatch: deletedEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        foreach (var outsider in new[] { attacker, rep })
        {
            foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                     {
                         (HttpMethod.Get, $"/{Id(comment)}", null, null),
                         (HttpMethod.Get, $"/?entityType=activity&entityId={Id(activity)}", null, null),
                         (HttpMethod.Patch, $"/{Id(comment)}", new { content = "Pwned" }, etag),
                         (HttpMethod.Delete, $"/{Id(comment)}", null, etag),
                         (HttpMethod.Put, $"/{Id(comment)}/reactions/x", null, null),
                     })
            {
                using var response = await outsider.Comments.SendAsync(method, path, body, ifMatch);
                await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
            }
            using (var restore = await outsider.Comments.SendAsync(HttpMethod.Post, $"/{Id(deleted)}/restore"))
            {
                await AuthApi.AssertProblemAsync(restore, HttpStatusCode.NotFound);
            }
            using var create = await outsider.Comments.SendAsync(HttpMethod.Post, "/", new { entityType = "activity", entityId = Id(activity), content = "Spy" });
            Assert.True(Errors(await AuthApi.AssertProblemAsync(create, HttpStatusCode.BadRequest)).TryGetProperty("entityId", out _));
        }
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Post, "/", new { entityType = "activity", entityId = Id(activity), content = "Viewer" }),
                     (HttpMethod.Put, $"/{Id(comment)}/reactions/x", null),
                 })
        {
            using var response = await viewer.Comments.SendAsync(method, path, body);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }

        // Deleting the record takes its comments out of sight; restoring it brings them back.
        using (var delete = await victim.Activities.SendAsync(HttpMethod.Delete, $"/{Id(activity)}", ifMatch: activityEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var hidden = await victim.Comments.SendAsync(HttpMethod.Get, $"/{Id(comment)}"))
        {
            await AuthApi.AssertProblemAsync(hidden, HttpStatusCode.NotFound);
        }
        using (var restore = await victim.Activities.SendAsync(HttpMethod.Post, $"/{Id(activity)}/restore"))
        {
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
        using var back = await victim.Comments.SendAsync(HttpMethod.Get, $"/{Id(comment)}");
        Assert.Equal("Secret", (await victim.Comments.ReadAsync(back)).GetProperty("content").GetString());
    }
}
