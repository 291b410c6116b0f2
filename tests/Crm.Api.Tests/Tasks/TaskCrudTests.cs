using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Tasks;

public sealed class TaskCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset Due = new(2030, 1, 15, 17, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_task_defaults_to_the_caller_and_is_listed_patched_and_deleted()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var member = await WorkApi.JoinAsync(factory, api, "sales_rep", "own");
        var contact = await api.ContactAsync();
        var (task, etag) = await api.Tasks.CreateAsync(new { title = " Send proposal ", dueAt = Due, reminderMinutes = 60, contactId = contact, priority = "high" });
        Assert.Equal("Send proposal", task.GetProperty("title").GetString());
        Assert.Equal("pending", task.GetProperty("status").GetString());
        Assert.Equal("task", task.GetProperty("type").GetString());
        Assert.Equal(api.UserId, task.GetProperty("assignedTo").GetGuid());
        Assert.Equal(api.UserId, task.GetProperty("assignedBy").GetGuid());
        Assert.Equal(1, task.GetProperty("occurrence").GetInt32());

        var (later, _) = await api.Tasks.CreateAsync(new { title = "Later", dueAt = Due.AddDays(3) });
        var (undated, _) = await api.Tasks.CreateAsync(new { title = "Someday" });
        using (var list = await api.Tasks.SendAsync(HttpMethod.Get, "/"))
        {
            // Soonest due first, undated last.
            Assert.Equal([Id(task), Id(later), Id(undated)], Ids(await api.Tasks.ReadAsync(list)));
        }
        using (var list = await api.Tasks.SendAsync(HttpMethod.Get, $"/?filter[contactId]={contact}&filter[priority]=high&q=proposal"))
        {
            Assert.Equal([Id(task)], Ids(await api.Tasks.ReadAsync(list)));
        }

        // Reassigned to a member: assignedBy is who reassigned it.
        using (var patch = await api.Tasks.SendAsync(HttpMethod.Patch, $"/{Id(task)}", new { assignedTo = member.UserId, status = "in_progress" }, etag))
        {
            var patched = await api.Tasks.ReadAsync(patch);
            Assert.Equal(member.UserId, patched.GetProperty("assignedTo").GetGuid());
            Assert.Equal("in_progress", patched.GetProperty("status").GetString());
            etag = patch.Headers.ETag!.ToString();
        }
        using (var mine = await member.Tasks.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Equal([Id(task)], Ids(await member.Tasks.ReadAsync(mine)));
        }
        using (var unassign = await api.Tasks.SendAsync(HttpMethod.Patch, $"/{Id(task)}", new { assignedTo = (Guid?)null }, etag))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(unassign, HttpStatusCode.BadRequest)).TryGetProperty("assignedTo", out _));
        }
        using (var delete = await api.Tasks.SendAsync(HttpMethod.Delete, $"/{Id(task)}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await member.Tasks.SendAsync(HttpMethod.Get, $"/{Id(task)}"))
        {
            await AuthApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Invalid_tasks_are_400_with_every_field_named()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var outsider = await WorkApi.RegisterAsync(factory, "Elsewhere");
        using (var response = await api.Tasks.SendAsync(HttpMethod.Post, "/", new
        {
            title = " ", reminderMinutes = 0, assignedTo = outsider.UserId, recurrenceRule = new { interval = 0, count = 0 },
        }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest));
            foreach (var field in new[]
                     {
                         "title", "reminderMinutes", "recurrenceRule", "recurrenceRule.frequency", "recurrenceRule.interval", "recurrenceRule.count",
                         "assignedTo",
                     })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
            }
        }
        using (var both = await api.Tasks.SendAsync(HttpMethod.Post, "/", new
        {
            title = "x", dueAt = Due, recurrenceRule = new { frequency = "weekly", count = 3, until = Due.AddYears(1) },
        }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(both, HttpStatusCode.BadRequest)).TryGetProperty("recurrenceRule.until", out _));
        }
        using (var frequency = await api.Tasks.SendAsync(HttpMethod.Post, "/", new { title = "x", dueAt = Due, recurrenceRule = new { frequency = "hourly" } }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(frequency, HttpStatusCode.BadRequest)).TryGetProperty("recurrenceRule.frequency", out _));
        }
        using (var status = await api.Tasks.SendAsync(HttpMethod.Post, "/", new { title = "x", status = "done" }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(status, HttpStatusCode.BadRequest)).TryGetProperty("status", out _));
        }
        using var list = await api.Tasks.SendAsync(HttpMethod.Get, "/");
        Assert.Empty(Ids(await api.Tasks.ReadAsync(list)));
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_only_tasks_assigned_to_them_and_assigns_only_themselves()
    {
        var manager = await WorkApi.RegisterAsync(factory);
        var rep = await WorkApi.JoinAsync(factory, manager, "sales_rep", "own");
        var (assigned, _) = await manager.Tasks.CreateAsync(new { title = "For the rep", assignedTo = rep.UserId });
        await manager.Tasks.CreateAsync(new { title = "The manager's own" });
        Assert.Equal(manager.UserId, assigned.GetProperty("assignedBy").GetGuid());

        using (var list = await rep.Tasks.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Equal([Id(assigned)], Ids(await rep.Tasks.ReadAsync(list)));
        }
        using (var assign = await rep.Tasks.SendAsync(HttpMethod.Post, "/", new { title = "For the boss", assignedTo = manager.UserId }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(assign, HttpStatusCode.BadRequest)).TryGetProperty("assignedTo", out _));
        }
        using (var complete = await rep.Tasks.SendAsync(HttpMethod.Post, $"/{Id(assigned)}/complete"))
        {
            var completed = (await rep.Tasks.ReadAsync(complete)).GetProperty("task");
            Assert.Equal(rep.UserId, completed.GetProperty("completedBy").GetGuid());
        }
    }

    [Fact]
    public async Task A_viewer_reads_tasks_but_cannot_create_change_or_complete_them()
    {
        var owner = await WorkApi.RegisterAsync(factory);
        var viewer = await WorkApi.JoinAsync(factory, owner, "viewer", "all");
        var (task, etag) = await owner.Tasks.CreateAsync(new { title = "Read me" });
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Post, "/", new { title = "New" }, null),
                     (HttpMethod.Patch, $"/{Id(task)}", new { title = "Changed" }, etag),
                     (HttpMethod.Post, $"/{Id(task)}/complete", null, null),
                     (HttpMethod.Delete, $"/{Id(task)}", null, etag),
                 })
        {
            using var response = await viewer.Tasks.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        }
        using var get = await viewer.Tasks.SendAsync(HttpMethod.Get, $"/{Id(task)}");
        Assert.Equal("pending", (await viewer.Tasks.ReadAsync(get)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Another_workspace_cannot_see_complete_or_link_tasks()
    {
        var victim = await WorkApi.RegisterAsync(factory, "Victim");
        var attacker = await WorkApi.RegisterAsync(factory, "Attacker");
        var contact = await victim.ContactAsync();
        var (deal, _, _) = await victim.DealAsync(Due);
        var (task, etag) = await victim.Tasks.CreateAsync(new { title = "Secret", contactId = contact });
        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{Id(task)}", null, null),
                     (HttpMethod.Patch, $"/{Id(task)}", new { title = "Pwned" }, etag),
                     (HttpMethod.Post, $"/{Id(task)}/complete", null, null),
                     (HttpMethod.Delete, $"/{Id(task)}", null, "*"),
                 })
        {
            using var response = await attacker.Tasks.SendAsync(method, path, body, ifMatch);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var link = await attacker.Tasks.SendAsync(HttpMethod.Post, "/", new { title = "Spy", contactId = contact, dealId = deal, assignedTo = victim.UserId }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(link, HttpStatusCode.BadRequest));
            Assert.True(errors.TryGetProperty("contactId", out _));
            Assert.True(errors.TryGetProperty("dealId", out _));
            Assert.True(errors.TryGetProperty("assignedTo", out _));
        }
        using (var list = await attacker.Tasks.SendAsync(HttpMethod.Get, $"/?filter[id]={Id(task)}"))
        {
            Assert.Empty(Ids(await attacker.Tasks.ReadAsync(list)));
        }
        using var get = await victim.Tasks.SendAsync(HttpMethod.Get, $"/{Id(task)}");
        Assert.Equal(JsonValueKind.Null, (await victim.Tasks.ReadAsync(get)).GetProperty("completedAt").ValueKind);
    }
}
