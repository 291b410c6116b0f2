using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using static Crm.Api.Tests.Activities.WorkApi;

namespace Crm.Api.Tests.Activities;

/// <summary>lastActivityAt of contacts, companies, deals and leads: kept by the database from their live activities (migration 0014).</summary>
public sealed class LastActivityTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset Monday = new(2030, 3, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Logging_an_activity_sets_the_last_activity_of_every_linked_record_and_deleting_it_moves_it_back()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (contact, company, lead) = (await api.ContactAsync(), await api.CompanyAsync(), await api.LeadAsync());
        var (deal, _, _) = await api.DealAsync(Monday.AddDays(-30));
        var records = new[] { ("contacts", contact), ("companies", company), ("deals", deal), ("leads", lead) };
        foreach (var (plural, id) in records)
        {
            Assert.Null(await LastActivityAsync(api, plural, id));
        }

        var (first, firstEtag) = await api.Activities.CreateAsync(new
        {
            type = "meeting", subject = "Kick-off", scheduledAt = Monday, contactId = contact, companyId = company, dealId = deal, leadId = lead,
        });
        foreach (var (plural, id) in records)
        {
            Assert.Equal(Monday, await LastActivityAsync(api, plural, id));
        }

        // A later call on the contact alone moves only the contact's; an earlier one on the company leaves the company's.
        var (later, laterEtag) = await api.Activities.CreateAsync(new { type = "call", subject = "Follow-up", scheduledAt = Monday.AddDays(2), contactId = contact });
        await api.Activities.CreateAsync(new { type = "email", subject = "Earlier", scheduledAt = Monday.AddDays(-5), companyId = company });
        Assert.Equal(Monday.AddDays(2), await LastActivityAsync(api, "contacts", contact));
        Assert.Equal(Monday, await LastActivityAsync(api, "companies", company));
        Assert.Equal(Monday, await LastActivityAsync(api, "deals", deal));

        using (var delete = await api.Activities.SendAsync(HttpMethod.Delete, $"/{Id(later)}", ifMatch: laterEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Equal(Monday, await LastActivityAsync(api, "contacts", contact));

        using (var delete = await api.Activities.SendAsync(HttpMethod.Delete, $"/{Id(first)}", ifMatch: firstEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        Assert.Null(await LastActivityAsync(api, "contacts", contact));
        Assert.Equal(Monday.AddDays(-5), await LastActivityAsync(api, "companies", company));
        Assert.Null(await LastActivityAsync(api, "deals", deal));
        Assert.Null(await LastActivityAsync(api, "leads", lead));

        using (var restore = await api.Activities.SendAsync(HttpMethod.Post, $"/{Id(later)}/restore"))
        {
            Assert.Equal(HttpStatusCode.OK, restore.StatusCode);
        }
        Assert.Equal(Monday.AddDays(2), await LastActivityAsync(api, "contacts", contact));
    }

    [Fact]
    public async Task Moving_an_activity_in_time_or_to_another_record_moves_the_last_activity_and_the_records_etag()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (ada, grace) = (await api.ContactAsync("Ada"), await api.ContactAsync("Grace"));
        var (activity, etag) = await api.Activities.CreateAsync(new { type = "call", subject = "Call", scheduledAt = Monday, contactId = ada });
        using var before = await api.Contacts.SendAsync(HttpMethod.Get, $"/{ada}");
        var adaEtag = before.Headers.ETag!.ToString();

        using (var patch = await api.Activities.SendAsync(HttpMethod.Patch, $"/{Id(activity)}", new { scheduledAt = Monday.AddHours(3) }, etag))
        {
            etag = patch.Headers.ETag!.ToString();
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        Assert.Equal(Monday.AddHours(3), await LastActivityAsync(api, "contacts", ada));

        // The contact's representation changed, so a change made against its earlier ETag is stale.
        using (var stale = await api.Contacts.SendAsync(HttpMethod.Patch, $"/{ada}", new { title = "CTO" }, adaEtag))
        {
            await AuthApi.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        }

        using (var patch = await api.Activities.SendAsync(HttpMethod.Patch, $"/{Id(activity)}", new { contactId = grace }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        Assert.Null(await LastActivityAsync(api, "contacts", ada));
        Assert.Equal(Monday.AddHours(3), await LastActivityAsync(api, "contacts", grace));
    }

    [Fact]
    public async Task Another_workspaces_activities_never_touch_our_records()
    {
        var ours = await WorkApi.RegisterAsync(factory, "Ours");
        var theirs = await WorkApi.RegisterAsync(factory, "Theirs");
        var contact = await ours.ContactAsync();
        await ours.Activities.CreateAsync(new { type = "call", subject = "Ours", scheduledAt = Monday, contactId = contact });
        using var before = await ours.Contacts.SendAsync(HttpMethod.Get, $"/{contact}");
        var etag = before.Headers.ETag!.ToString();

        var their = await theirs.ContactAsync();
        var (activity, activityEtag) = await theirs.Activities.CreateAsync(new { type = "call", subject = "Theirs", scheduledAt = Monday.AddDays(9), contactId = their });
        using (var refused = await theirs.Activities.SendAsync(HttpMethod.Post, "/", new { type = "call", subject = "Sneaky", contactId = contact }))
        {
            Assert.True(Errors(await AuthApi.AssertProblemAsync(refused, HttpStatusCode.BadRequest)).TryGetProperty("contactId", out _));
        }
        using (var delete = await theirs.Activities.SendAsync(HttpMethod.Delete, $"/{Id(activity)}", ifMatch: activityEtag))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var after = await ours.Contacts.SendAsync(HttpMethod.Get, $"/{contact}");
        Assert.Equal(etag, after.Headers.ETag!.ToString());
        Assert.Equal(Monday, (await ours.Contacts.ReadAsync(after)).GetProperty("lastActivityAt").GetDateTimeOffset());
        Assert.Null(await LastActivityAsync(theirs, "contacts", their));
    }

    [Fact]
    public async Task Contacts_and_companies_sort_and_filter_by_last_activity()
    {
        var api = await WorkApi.RegisterAsync(factory);
        var (quiet, busy, recent) = (await api.ContactAsync("Quiet"), await api.ContactAsync("Busy"), await api.ContactAsync("Recent"));
        await api.Activities.CreateAsync(new { type = "call", subject = "Old", scheduledAt = Monday, contactId = busy });
        await api.Activities.CreateAsync(new { type = "call", subject = "New", scheduledAt = Monday.AddDays(1), contactId = recent });
        var company = await api.CompanyAsync("Busy Inc");
        await api.CompanyAsync("Quiet Inc");
        await api.Activities.CreateAsync(new { type = "call", subject = "Co", scheduledAt = Monday, companyId = company });

        Assert.Equal([recent, busy, quiet], await ListIdsAsync(api.Contacts, "?sort=-lastActivityAt"));
        Assert.Equal([busy], await ListIdsAsync(api.Contacts, "?filter[lastActivityAt][lt]=2030-03-05T00:00:00Z"));
        Assert.Equal([quiet], await ListIdsAsync(api.Contacts, "?filter[lastActivityAt][isNull]=true"));
        Assert.Equal([company], await ListIdsAsync(api.Companies, "?filter[lastActivityAt][gte]=2030-03-04"));
        using var bad = await api.Contacts.SendAsync(HttpMethod.Get, "/?filter[lastActivityAt][gt]=soon");
        Assert.True(Errors(await AuthApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest)).TryGetProperty("filter[lastActivityAt][gt]", out _));
    }

    private static async Task<DateTimeOffset?> LastActivityAsync(WorkApi api, string plural, Guid id)
    {
        using var response = await api.V1.SendAsync(HttpMethod.Get, $"/{plural}/{id}");
        var value = (await api.V1.ReadAsync(response)).GetProperty("lastActivityAt");
        return value.ValueKind == JsonValueKind.Null ? null : value.GetDateTimeOffset();
    }

    private static async Task<List<Guid>> ListIdsAsync(Companies.CompanyApi list, string query)
    {
        using var response = await list.SendAsync(HttpMethod.Get, "/" + query);
        return Ids(await list.ReadAsync(response));
    }
}
