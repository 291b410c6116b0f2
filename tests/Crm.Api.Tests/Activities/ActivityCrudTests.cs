using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Activities;

public sealed class ActivityCrudTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset Monday = new(2030, 3, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_meeting_with_participants_and_reminders_is_created_read_listed_patched_deleted_and_restored_with_audit_rows()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var contact = await api.ContactAsync("Grace");
        var (meeting, etag) = await api.Activities.CreateAsync(new
        {
            type = "meeting", subject = "  Kick-off ", contactId = contact, scheduledAt = Monday, durationMinutes = 45,
            meetingUrl = "https://meet.example.com/abc", customFields = new { room = "A" },
            participants = new object[]
            {
                new { contactId = contact, role = "attendee" },
                new { email = "guest@example.org", name = "Guest" },
                new { userId = api.UserId, role = "organizer", responseStatus = "accepted" },
            },
            reminders = new object[] { new { minutesBefore = 30 }, new { channel = "push", minutesBefore = 5 } },
        });
        var id = Id(meeting);
        Assert.Equal("Kick-off", meeting.GetProperty("subject").GetString());
        Assert.Equal("scheduled", meeting.GetProperty("status").GetString());
        Assert.Equal(Monday, meeting.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(api.UserId, meeting.GetProperty("ownerId").GetGuid());
        var participants = meeting.GetProperty("participants").EnumerateArray().ToList();
        Assert.Equal(3, participants.Count);
        Assert.Equal("organizer", participants[0].GetProperty("role").GetString());
        Assert.Equal(api.UserId, participants[0].GetProperty("userId").GetGuid());
        var reminders = meeting.GetProperty("reminders").EnumerateArray().ToList();
        Assert.Equal([30, 5], reminders.Select(r => r.GetProperty("minutesBefore").GetInt32()));
        Assert.All(reminders, r => Assert.Equal(api.UserId, r.GetProperty("recipientId").GetGuid()));
        Assert.Equal(Monday.AddMinutes(-30).UtcDateTime, await api.ScalarAsync<DateTime>(
            "SELECT remind_at FROM activity_reminders WHERE activity_id = $1 AND minutes_before = 30", id));

        Assert.Equal([id], Ids(await api.Activities.ReadAsync(await api.Activities.SendAsync(
            HttpMethod.Get, $"/?filter[type]=meeting&filter[contactId]={contact}&q=kick"))));
        Assert.Empty(Ids(await api.Activities.ReadAsync(await api.Activities.SendAsync(HttpMethod.Get, "/?filter[type]=call"))));

        // One participant leaves, the organizer's answer changes; a reminder moves with the meeting.
        using (var patch = await api.Activities.SendAsync(HttpMethod.Patch, $"/{id}", new
        {
            scheduledAt = Monday.AddHours(2),
            participants = new object[]
            {
                new { userId = api.UserId, role = "organizer", responseStatus = "tentative" },
                new { email = "GUEST@example.org", name = "Guest" },
            },
        }, etag))
        {
            var patched = await api.Activities.ReadAsync(patch);
            Assert.Equal(Monday.AddHours(2), patched.GetProperty("occurredAt").GetDateTimeOffset());
            Assert.Equal(["tentative", "pending"], patched.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("responseStatus").GetString()));
            etag = patch.Headers.ETag!.ToString();
        }
        Assert.Equal(2L, await api.ScalarAsync<long>("SELECT count(*) FROM activity_participants WHERE activity_id = $1", id));
        Assert.Equal(Monday.AddHours(2).AddMinutes(-30).UtcDateTime, await api.ScalarAsync<DateTime>(
            "SELECT remind_at FROM activity_reminders WHERE activity_id = $1 AND minutes_before = 30", id));

        using (var delete = await api.Activities.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await api.Activities.SendAsync(HttpMethod.Get, $"/{id}"))
        {
            await AuthApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);
        }
        using (var restore = await api.Activities.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal(2, (await api.Activities.ReadAsync(restore)).GetProperty("participants").GetArrayLength());
        }

        using var auditResponse = await api.Companies.GetAuditAsync($"?entityType=activity&entityId={id}");
        var rows = (await api.Companies.ReadAsync(auditResponse)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["restored", "deleted", "updated", "created"], rows.Select(a => a.GetProperty("action").GetString()));
        var changed = rows[2].GetProperty("newValues");
        Assert.True(changed.TryGetProperty("participants", out _));
        Assert.True(changed.TryGetProperty("scheduledAt", out _));
        Assert.False(changed.TryGetProperty("subject", out _));
    }

    [Fact]
    public async Task Completing_stamps_the_completion_time_and_reopening_clears_it()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var company = await api.CompanyAsync();
        var (call, etag) = await api.Activities.CreateAsync(new
        {
            type = "call", direction = "outbound", subject = "Intro call", companyId = company, scheduledAt = Monday,
        });
        Assert.Equal(JsonValueKind.Null, call.GetProperty("completedAt").ValueKind);

        using var complete = await api.Activities.SendAsync(HttpMethod.Patch, $"/{Id(call)}", new { status = "completed", outcome = "interested" }, etag);
        var completed = await api.Activities.ReadAsync(complete);
        var completedAt = completed.GetProperty("completedAt").GetDateTimeOffset();
        Assert.True(completedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(completedAt, completed.GetProperty("occurredAt").GetDateTimeOffset());

        using var reopen = await api.Activities.SendAsync(HttpMethod.Patch, $"/{Id(call)}", new { status = "scheduled" }, complete.Headers.ETag!.ToString());
        var reopened = await api.Activities.ReadAsync(reopen);
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("completedAt").ValueKind);
        Assert.Equal(Monday, reopened.GetProperty("occurredAt").GetDateTimeOffset());

        // A call logged after the fact: completed at the time given.
        var (logged, _) = await api.Activities.CreateAsync(new
        {
            type = "call", direction = "inbound", subject = "They called", companyId = company, status = "completed", completedAt = Monday.AddDays(-1),
        });
        Assert.Equal(Monday.AddDays(-1), logged.GetProperty("occurredAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Invalid_input_is_400_with_every_field_named()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var contact = await api.ContactAsync();
        using (var response = await api.Activities.SendAsync(HttpMethod.Post, "/", new
        {
            direction = "inbound", durationMinutes = 0, meetingUrl = "ftp://x.example.com", followUpAt = Monday,
            startedAt = Monday, completedAt = Monday.AddHours(-1),
            participants = new object[]
            {
                new { userId = api.UserId, email = "both@example.com" },
                new { email = "not-an-email" },
                new { contactId = contact, name = "Named contact" },
                new { contactId = contact },
            },
            reminders = new object[] { new { minutesBefore = 0 } },
        }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest));
            foreach (var field in new[]
                     {
                         "type", "subject", "durationMinutes", "meetingUrl", "followUpAt", "completedAt", "contactId", "participants[0].userId",
                         "participants[1].email", "participants[2].name", "participants[3].userId", "reminders", "reminders[0].minutesBefore",
                     })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
            }
        }
        using (var direction = await api.Activities.SendAsync(HttpMethod.Post, "/", new { type = "meeting", subject = "x", contactId = contact, direction = "inbound" }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(direction, HttpStatusCode.BadRequest)).TryGetProperty("direction", out _));
        }
        using (var unknownType = await api.Activities.SendAsync(HttpMethod.Post, "/", new { type = "fax", subject = "x", contactId = contact }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(unknownType, HttpStatusCode.BadRequest)).TryGetProperty("type", out _));
        }
        using (var strangers = await api.Activities.SendAsync(HttpMethod.Post, "/", new
        {
            type = "meeting", subject = "x", contactId = Guid.CreateVersion7(), scheduledAt = Monday, assignedTo = Guid.CreateVersion7(),
            participants = new object[] { new { userId = Guid.CreateVersion7() }, new { contactId = Guid.CreateVersion7() } },
            reminders = new object[] { new { minutesBefore = 10, recipientId = Guid.CreateVersion7() } },
        }))
        {
            var errors = Errors(await AuthApi.AssertProblemAsync(strangers, HttpStatusCode.BadRequest));
            foreach (var field in new[] { "contactId", "assignedTo", "participants[0].userId", "participants[1].contactId", "reminders[0].recipientId" })
            {
                Assert.True(errors.TryGetProperty(field, out _), $"No error for {field}: {errors}");
            }
        }
        using var list = await api.Activities.SendAsync(HttpMethod.Get, "/");
        Assert.Empty(Ids(await api.Activities.ReadAsync(list)));
    }

    [Fact]
    public async Task A_batch_is_all_or_nothing_and_links_deals_and_leads()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (deal, _, _) = await api.DealAsync(Monday);
        var lead = await api.LeadAsync();
        using (var bad = await api.Activities.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { type = "demo", subject = "Demo", dealId = deal }, new { type = "email", subject = "Unlinked" } },
        }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).TryGetProperty("items[1].contactId", out _));
        }
        using (var good = await api.Activities.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { type = "demo", subject = "Demo", dealId = deal }, new { type = "email", subject = "Hello", leadId = lead } },
        }))
        {
            var created = (await api.Activities.ReadAsync(good)).GetProperty("data");
            Assert.Equal(deal, created[0].GetProperty("dealId").GetGuid());
            Assert.Equal(lead, created[1].GetProperty("leadId").GetGuid());
        }
        using var list = await api.Activities.SendAsync(HttpMethod.Get, $"/?filter[leadId]={lead}");
        Assert.Single(Ids(await api.Activities.ReadAsync(list)));
    }
}
