using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Activities;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Timeline;

public sealed class TimelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_contact_timeline_merges_activities_and_notes_newest_first_and_pages_without_skipping_or_repeating()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var contact = await api.ContactAsync();
        var otherContact = await api.ContactAsync("Other");
        var now = DateTimeOffset.UtcNow;
        var (old, _) = await api.Activities.CreateAsync(new { type = "email", direction = "inbound", subject = "Old", contactId = contact, status = "completed", completedAt = now.AddDays(-2) });
        var (upcoming, _) = await api.Activities.CreateAsync(new { type = "meeting", subject = "Upcoming", contactId = contact, scheduledAt = now.AddDays(1) });
        var (hourAgo, _) = await api.Activities.CreateAsync(new { type = "call", subject = "Hour ago", contactId = contact, startedAt = now.AddHours(-1) });
        var (deleted, deletedEtag) = await api.Activities.CreateAsync(new { type = "task", subject = "Deleted", contactId = contact, dueAt = now.AddHours(-3) });
        var (first, _) = await api.Notes.CreateAsync(new { content = "First note", contactId = contact });
        var (second, _) = await api.Notes.CreateAsync(new { content = "Second note", contactId = contact });
        await api.Activities.CreateAsync(new { type = "call", subject = "Someone else's", contactId = otherContact });
        await api.Notes.CreateAsync(new { content = "Someone else's", contactId = otherContact });
        using (var delete = await api.Activities.SendAsync(HttpMethod.Delete, $"/{Id(deleted)}", ifMatch: deletedEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        var timeline = await api.TimelineAsync("contacts", contact);
        var items = timeline.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([Id(upcoming), Id(second), Id(first), Id(hourAgo), Id(old)], items.Select(RecordId));
        Assert.Equal(["activity", "note", "note", "activity", "activity"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.False(timeline.GetProperty("hasMore").GetBoolean());
        Assert.Equal(JsonValueKind.Null, timeline.GetProperty("nextCursor").ValueKind);
        Assert.Equal(now.AddDays(1), items[0].GetProperty("time").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal("Upcoming", items[0].GetProperty("activity").GetProperty("subject").GetString());
        Assert.False(items[0].TryGetProperty("note", out _));
        Assert.Equal("Second note", items[1].GetProperty("note").GetProperty("content").GetString());

        var paged = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await api.TimelineAsync("contacts", contact, cursor is null ? "?limit=2" : $"?limit=2&cursor={cursor}");
            Assert.InRange(page.GetProperty("data").GetArrayLength(), 1, 2);
            paged.AddRange(page.GetProperty("data").EnumerateArray().Select(RecordId));
            cursor = page.GetProperty("hasMore").GetBoolean() ? page.GetProperty("nextCursor").GetString() : null;
        }
        while (cursor is not null);
        Assert.Equal(items.Select(RecordId), paged);
    }

    [Fact]
    public async Task A_deal_timeline_has_its_stage_changes_and_lead_and_company_timelines_their_records()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var start = DateTimeOffset.UtcNow.AddDays(-10);
        var (deal, firstStage, secondStage) = await api.DealAsync(start);
        await api.MoveDealAsync(deal, secondStage, start.AddDays(2));
        var (demo, _) = await api.Activities.CreateAsync(new { type = "demo", subject = "Demo", dealId = deal, status = "completed", completedAt = start.AddDays(1) });
        var (note, _) = await api.Notes.CreateAsync(new { content = "Deal note", dealId = deal });

        var items = (await api.TimelineAsync("deals", deal)).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["note", "stage_change", "activity", "stage_change"], items.Select(i => i.GetProperty("kind").GetString()));
        Assert.Equal(Id(note), RecordId(items[0]));
        Assert.Equal(Id(demo), RecordId(items[2]));
        var move = items[1].GetProperty("stageChange");
        Assert.Equal(firstStage, move.GetProperty("fromStageId").GetGuid());
        Assert.Equal(secondStage, move.GetProperty("toStageId").GetGuid());
        Assert.Equal(deal, move.GetProperty("dealId").GetGuid());
        Assert.Equal(start.AddDays(2), items[1].GetProperty("time").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.Equal(JsonValueKind.Null, items[3].GetProperty("stageChange").GetProperty("fromStageId").ValueKind);

        var lead = await api.LeadAsync();
        var (call, _) = await api.Activities.CreateAsync(new { type = "call", subject = "Qualify", leadId = lead });
        Assert.Equal([Id(call)], (await api.TimelineAsync("leads", lead)).GetProperty("data").EnumerateArray().Select(RecordId));

        var company = await api.CompanyAsync();
        var (companyNote, _) = await api.Notes.CreateAsync(new { content = "Company note", companyId = company, dealId = deal });
        Assert.Equal([Id(companyNote)], (await api.TimelineAsync("companies", company)).GetProperty("data").EnumerateArray().Select(RecordId));
        Assert.Equal(Id(companyNote), RecordId((await api.TimelineAsync("deals", deal)).GetProperty("data")[0]));

        // A deleted deal has no timeline.
        await api.ExecuteAsync("UPDATE deals SET deleted_at = now() WHERE id = $1", deal);
        using var gone = await api.V1.SendAsync(HttpMethod.Get, $"/deals/{deal}/timeline");
        await AuthApi.AssertProblemAsync(gone, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Another_workspace_gets_404_for_every_timeline_and_bad_paging_is_400()
    {
        var victim = await WorkApi.RegisterAsync(factory, "Victim");
        var attacker = await WorkApi.RegisterAsync(factory, "Attacker");
        var contact = await victim.ContactAsync();
        var company = await victim.CompanyAsync();
        var lead = await victim.LeadAsync();
        var (deal, _, _) = await victim.DealAsync(DateTimeOffset.UtcNow);
        await victim.Notes.CreateAsync(new { content = "Secret", contactId = contact, companyId = company, leadId = lead, dealId = deal });

        foreach (var (plural, id) in new[] { ("contacts", contact), ("companies", company), ("leads", lead), ("deals", deal), ("contacts", Guid.CreateVersion7()) })
        {
            using var response = await attacker.V1.SendAsync(HttpMethod.Get, $"/{plural}/{id}/timeline");
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        foreach (var query in new[] { "?limit=0", "?limit=201", "?cursor=not-a-cursor" })
        {
            using var response = await victim.V1.SendAsync(HttpMethod.Get, $"/contacts/{contact}/timeline{query}");
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }
        Assert.Single((await victim.TimelineAsync("leads", lead)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_on_a_timeline_only_what_they_may_read()
    {
        var manager = await WorkApi.RegisterAsync(factory);
        var rep = await WorkApi.JoinAsync(factory, manager, "sales_rep", "own");
        var contact = await rep.ContactAsync("Rep's");
        var (mine, _) = await rep.Notes.CreateAsync(new { content = "Rep's note", contactId = contact });
        await manager.Notes.CreateAsync(new { content = "Manager's note", contactId = contact });
        await manager.Activities.CreateAsync(new { type = "call", subject = "Manager's call", contactId = contact });

        Assert.Equal([Id(mine)], (await rep.TimelineAsync("contacts", contact)).GetProperty("data").EnumerateArray().Select(RecordId));
        Assert.Equal(3, (await manager.TimelineAsync("contacts", contact)).GetProperty("data").GetArrayLength());

        var managersContact = await manager.ContactAsync("Manager's");
        using var hidden = await rep.V1.SendAsync(HttpMethod.Get, $"/contacts/{managersContact}/timeline");
        await AuthApi.AssertProblemAsync(hidden, HttpStatusCode.NotFound);
    }

    private static Guid RecordId(JsonElement item) => item.GetProperty("kind").GetString() switch
    {
        "activity" => Id(item.GetProperty("activity")),
        "note" => Id(item.GetProperty("note")),
        _ => Id(item.GetProperty("stageChange")),
    };
}
