using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Tasks;

public sealed class TaskRecurrenceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset Due = new(2030, 1, 31, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Completing_a_weekly_task_creates_its_next_occurrence_once()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var company = await api.CompanyAsync();
        var (task, _) = await api.Tasks.CreateAsync(new
        {
            title = "Weekly report", dueAt = Due, reminderMinutes = 30, companyId = company, recurrenceRule = new { frequency = "weekly" },
        });

        var (completed, next) = await CompleteAsync(api, Id(task));
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(api.UserId, completed.GetProperty("completedBy").GetGuid());
        Assert.True(completed.GetProperty("completedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("pending", next.GetProperty("status").GetString());
        Assert.Equal(Due.AddDays(7), next.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(Id(task), next.GetProperty("recurrenceParentId").GetGuid());
        Assert.Equal(2, next.GetProperty("occurrence").GetInt32());
        Assert.Equal(company, next.GetProperty("companyId").GetGuid());
        Assert.Equal(30, next.GetProperty("reminderMinutes").GetInt32());
        Assert.Equal("weekly", next.GetProperty("recurrenceRule").GetProperty("frequency").GetString());

        using (var again = await api.Tasks.SendAsync(HttpMethod.Post, $"/{Id(task)}/complete"))
        {
            await AuthApi.AssertProblemAsync(again, HttpStatusCode.Conflict);
        }

        // Reopened and completed again by PATCH: still one next occurrence.
        using var get = await api.Tasks.SendAsync(HttpMethod.Get, $"/{Id(task)}");
        using var reopen = await api.Tasks.SendAsync(HttpMethod.Patch, $"/{Id(task)}", new { status = "pending" }, get.Headers.ETag!.ToString());
        var reopened = await api.Tasks.ReadAsync(reopen);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("completedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("completedBy").ValueKind);
        using var recomplete = await api.Tasks.SendAsync(HttpMethod.Patch, $"/{Id(task)}", new { status = "completed" }, reopen.Headers.ETag!.ToString());
        Assert.Equal(api.UserId, (await api.Tasks.ReadAsync(recomplete)).GetProperty("completedBy").GetGuid());
        using var series = await api.Tasks.SendAsync(HttpMethod.Get, $"/?filter[recurrenceParentId]={Id(task)}");
        Assert.Equal([Id(next)], Ids(await api.Tasks.ReadAsync(series)));

        using var audit = await api.Companies.GetAuditAsync($"?entityType=task&entityId={Id(next)}");
        var created = (await api.Companies.ReadAsync(audit)).GetProperty("data").EnumerateArray().Single();
        Assert.Equal("created", created.GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_series_ends_after_its_count_or_at_its_until()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (counted, _) = await api.Tasks.CreateAsync(new { title = "Twice", dueAt = Due, recurrenceRule = new { frequency = "daily", interval = 2, count = 2 } });
        var (_, second) = await CompleteAsync(api, Id(counted));
        Assert.Equal(Due.AddDays(2), second.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Null(await CompleteLastAsync(api, Id(second)));

        var (bounded, _) = await api.Tasks.CreateAsync(new { title = "Until", dueAt = Due, recurrenceRule = new { frequency = "daily", until = Due.AddDays(1) } });
        var (_, last) = await CompleteAsync(api, Id(bounded));
        Assert.Null(await CompleteLastAsync(api, Id(last)));
    }

    [Fact]
    public async Task A_monthly_task_due_on_the_31st_next_falls_due_on_the_last_day_of_a_shorter_month()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (task, _) = await api.Tasks.CreateAsync(new { title = "Month end", dueAt = Due, recurrenceRule = new { frequency = "monthly" } });
        var (_, next) = await CompleteAsync(api, Id(task));
        Assert.Equal(new DateTimeOffset(2030, 2, 28, 9, 30, 0, TimeSpan.Zero), next.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Completing_with_a_stale_If_Match_is_412_and_changes_nothing()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (task, etag) = await api.Tasks.CreateAsync(new { title = "Stale", dueAt = Due, recurrenceRule = new { frequency = "daily" } });
        using (var patch = await api.Tasks.SendAsync(HttpMethod.Patch, $"/{Id(task)}", new { title = "Renamed" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        using (var stale = await api.Tasks.SendAsync(HttpMethod.Post, $"/{Id(task)}/complete", ifMatch: etag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }
        using var series = await api.Tasks.SendAsync(HttpMethod.Get, $"/?filter[recurrenceParentId]={Id(task)}");
        Assert.Empty(Ids(await api.Tasks.ReadAsync(series)));
    }

    [Fact]
    public async Task Completions_at_once_make_one_next_occurrence_and_the_losers_get_a_problem()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (task, _) = await api.Tasks.CreateAsync(new { title = "Race", dueAt = Due, recurrenceRule = new { frequency = "daily" } });

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.Tasks.SendAsync(HttpMethod.Post, $"/{Id(task)}/complete")));
        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK),
                r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.PreconditionFailed }));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        using var series = await api.Tasks.SendAsync(HttpMethod.Get, $"/?filter[recurrenceParentId]={Id(task)}");
        Assert.Single(Ids(await api.Tasks.ReadAsync(series)));
    }

    private static async Task<(JsonElement Task, JsonElement Next)> CompleteAsync(WorkApi api, Guid id)
    {
        using var response = await api.Tasks.SendAsync(HttpMethod.Post, $"/{id}/complete");
        var body = await api.Tasks.ReadAsync(response);
        Assert.Equal(JsonValueKind.Object, body.GetProperty("nextOccurrence").ValueKind);
        return (body.GetProperty("task"), body.GetProperty("nextOccurrence"));
    }

    /// <summary>Completes the task and answers its next occurrence's id, or null when the series ended.</summary>
    private static async Task<Guid?> CompleteLastAsync(WorkApi api, Guid id)
    {
        using var response = await api.Tasks.SendAsync(HttpMethod.Post, $"/{id}/complete");
        var next = (await api.Tasks.ReadAsync(response)).GetProperty("nextOccurrence");
        return next.ValueKind == JsonValueKind.Null ? null : Id(next);
    }
}
