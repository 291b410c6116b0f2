using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Notifications;

/// <summary>The reminder dispatcher, running in the API under test (every second here), and the notification feed.</summary>
public sealed class ReminderNotificationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_due_reminder_reaches_its_recipient_once_and_only_them()
    {
        var owner = await WorkApi.RegisterAsync(factory);
        var rep = await WorkApi.JoinAsync(factory, owner, "sales_rep", "own");
        var outsider = await WorkApi.RegisterAsync(factory, "Outsider");
        var inThreeMinutes = DateTimeOffset.UtcNow.AddMinutes(3);
        var (meeting, _) = await owner.Activities.CreateAsync(new
        {
            type = "meeting",
            subject = "Quarterly review with Acme",
            contactId = await owner.ContactAsync(),
            scheduledAt = inThreeMinutes,
            reminders = new object[]
            {
                new { minutesBefore = 5, recipientId = rep.UserId, channel = "desktop" },
                new { minutesBefore = 1, recipientId = owner.UserId },
            },
        });
        var meetingId = meeting.GetProperty("id").GetGuid();

        var feed = await WaitForNotificationsAsync(rep.V1, count: 1);
        var notification = feed[0];
        Assert.Equal("reminder", notification.GetProperty("kind").GetString());
        Assert.Equal("Reminder: Quarterly review with Acme", notification.GetProperty("title").GetString());
        Assert.Contains("reminder set 5 minutes before", notification.GetProperty("body").GetString());
        Assert.Equal("activity", notification.GetProperty("entityType").GetString());
        Assert.Equal(meetingId, notification.GetProperty("entityId").GetGuid());
        Assert.Equal(JsonValueKind.Null, notification.GetProperty("readAt").ValueKind);

        // The owner's reminder is not due for two more minutes; nobody sees the rep's notification but the rep.
        Assert.Equal("sent", await owner.ScalarAsync<string>(
            "SELECT status FROM activity_reminders WHERE activity_id = $1 AND recipient_id = $2", meetingId, rep.UserId));
        Assert.Equal("pending", await owner.ScalarAsync<string>(
            "SELECT status FROM activity_reminders WHERE activity_id = $1 AND recipient_id = $2", meetingId, owner.UserId));
        Assert.Empty(await FeedAsync(owner.V1));
        var id = notification.GetProperty("id").GetGuid();
        foreach (var stranger in new[] { owner, outsider })
        {
            using var read = await stranger.V1.SendAsync(HttpMethod.Post, $"/notifications/{id}/read");
            await AuthApi.AssertProblemAsync(read, HttpStatusCode.NotFound);
        }

        // More passes of the dispatcher deliver nothing again.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(await FeedAsync(rep.V1));
        Assert.Equal(1, await UnreadAsync(rep.V1));
        DateTimeOffset readAt;
        using (var read = await rep.V1.SendAsync(HttpMethod.Post, $"/notifications/{id}/read"))
        {
            readAt = (await rep.V1.ReadAsync(read)).GetProperty("readAt").GetDateTimeOffset();
        }
        using (var again = await rep.V1.SendAsync(HttpMethod.Post, $"/notifications/{id}/read"))
        {
            Assert.Equal(readAt, (await rep.V1.ReadAsync(again)).GetProperty("readAt").GetDateTimeOffset());
        }
        Assert.Equal(0, await UnreadAsync(rep.V1));
        Assert.Empty(await FeedAsync(rep.V1, "?unread=true"));
        Assert.Single(await FeedAsync(rep.V1, "?filter[kind]=reminder"));
    }

    [Fact]
    public async Task Reminders_of_a_deleted_or_finished_activity_or_long_past_are_cancelled_not_delivered()
    {
        var owner = await WorkApi.RegisterAsync(factory);
        var nextWeek = DateTimeOffset.UtcNow.AddDays(7);
        var deleted = await MeetingAsync(owner, "Deleted meeting", nextWeek);
        var completed = await MeetingAsync(owner, "Completed meeting", nextWeek);
        var stale = await MeetingAsync(owner, "Stale meeting", nextWeek);
        var due = await MeetingAsync(owner, "Due meeting", nextWeek);

        var (_, etag) = await GetAsync(owner, deleted);
        using (var delete = await owner.Activities.SendAsync(HttpMethod.Delete, $"/{deleted}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        (_, etag) = await GetAsync(owner, completed);
        using (var complete = await owner.Activities.SendAsync(HttpMethod.Patch, $"/{completed}", new { status = "completed" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, complete.StatusCode);
        }
        // Their reminders come due now; the stale one's two days ago (the API was down, say).
        await owner.ExecuteAsync("UPDATE activity_reminders SET remind_at = now() WHERE activity_id = ANY($1)", new[] { deleted, completed, due });
        await owner.ExecuteAsync("UPDATE activity_reminders SET remind_at = now() - interval '2 days' WHERE activity_id = $1", stale);

        var feed = await WaitForNotificationsAsync(owner.V1, count: 1);
        Assert.Equal(due, feed[0].GetProperty("entityId").GetGuid());
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (await owner.ScalarAsync<long>("SELECT count(*) FROM activity_reminders WHERE status = 'pending' AND activity_id = ANY($1)",
                   new[] { deleted, completed, stale }) > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "The dispatcher did not handle the reminders in time.");
            await Task.Delay(200);
        }
        Assert.Equal(3L, await owner.ScalarAsync<long>(
            "SELECT count(*) FROM activity_reminders WHERE status = 'cancelled' AND sent_at IS NULL AND activity_id = ANY($1)", new[] { deleted, completed, stale }));
        Assert.Single(await FeedAsync(owner.V1));
    }

    private static async Task<Guid> MeetingAsync(WorkApi api, string subject, DateTimeOffset at)
    {
        var contactId = await api.ContactAsync();
        var (meeting, _) = await api.Activities.CreateAsync(
            new { type = "meeting", subject, contactId, scheduledAt = at, reminders = new object[] { new { minutesBefore = 15 } } });
        return meeting.GetProperty("id").GetGuid();
    }

    private static async Task<(JsonElement Body, string ETag)> GetAsync(WorkApi api, Guid id)
    {
        using var response = await api.Activities.SendAsync(HttpMethod.Get, $"/{id}");
        return (await api.Activities.ReadAsync(response), response.Headers.ETag!.ToString());
    }

    /// <summary>Polls the caller's feed until it has <paramref name="count"/> notifications (never a fixed sleep).</summary>
    private static async Task<List<JsonElement>> WaitForNotificationsAsync(CompanyApi v1, int count)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (true)
        {
            var feed = await FeedAsync(v1);
            if (feed.Count >= count)
            {
                Assert.Equal(count, feed.Count);
                return feed;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, $"{feed.Count} notifications after {Deadline.TotalSeconds} s, expected {count}.");
            await Task.Delay(200);
        }
    }

    private static async Task<List<JsonElement>> FeedAsync(CompanyApi v1, string query = "")
    {
        using var response = await v1.SendAsync(HttpMethod.Get, "/notifications" + query);
        return [.. (await v1.ReadAsync(response)).GetProperty("data").EnumerateArray()];
    }

    private static async Task<int> UnreadAsync(CompanyApi v1)
    {
        using var response = await v1.SendAsync(HttpMethod.Get, "/notifications/unread-count");
        return (await v1.ReadAsync(response)).GetProperty("count").GetInt32();
    }
}
