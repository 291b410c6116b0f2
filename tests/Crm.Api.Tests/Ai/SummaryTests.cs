using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Contacts;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Ai;

/// <summary>
/// GET /api/v1/{type}/{id}/summary with no AI worker (the test host has no "aiworker" service): the API answers the
/// stored summary itself, marked stale with source "stored", or a 503 problem with Retry-After when there is none; a
/// record the caller cannot see is a 404 whatever is stored for it.
/// </summary>
public sealed class SummaryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Without_the_ai_worker_a_record_with_no_stored_summary_is_a_503_and_one_with_a_stored_summary_gets_it_marked_stale()
    {
        var owner = await ContactApi.RegisterAsync(factory, "Summaries");
        var contact = await CreateContactAsync(owner, "Dana", "Lee");

        using (var missing = await owner.SendAsync(HttpMethod.Get, $"/{contact}/summary"))
        {
            var problem = await AuthApi.AssertProblemAsync(missing, HttpStatusCode.ServiceUnavailable);
            Assert.Equal(TimeSpan.FromSeconds(30), missing.Headers.RetryAfter?.Delta);
            Assert.Equal("Summary not available yet", problem.GetProperty("title").GetString());
        }

        var generatedAt = new DateTimeOffset(2025, 3, 1, 10, 30, 15, TimeSpan.Zero);
        await StoreAsync(owner.WorkspaceId, new AiSummary
        {
            EntityType = "contact",
            EntityId = contact,
            Summary = "Dana Lee is the CFO and the decision maker; she agreed on a price of $48,000 for 120 seats.",
            KeyFacts = """["2025-02-12: Agreed on a price of $48,000 for 120 seats."]""",
            Keyphrases = """["sso integration", "legal review"]""",
            Method = SummaryMethod.Llm,
            Model = "gpt-test",
            TimelineHash = "0123456789abcdef0123456789abcdef",
            TimelineEntries = 7,
            GeneratedAt = generatedAt,
        });

        using var stored = await owner.SendAsync(HttpMethod.Get, $"/{contact}/summary");
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var body = await stored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("contact", contact), (body.GetProperty("entityType").GetString(), body.GetProperty("entityId").GetGuid()));
        Assert.Equal("Dana Lee is the CFO and the decision maker; she agreed on a price of $48,000 for 120 seats.", body.GetProperty("summary").GetString());
        Assert.Equal(["2025-02-12: Agreed on a price of $48,000 for 120 seats."], body.GetProperty("keyFacts").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["sso integration", "legal review"], body.GetProperty("keyphrases").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(("llm", "gpt-test", 7), (body.GetProperty("method").GetString(), body.GetProperty("model").GetString(), body.GetProperty("timelineEntries").GetInt32()));
        Assert.Equal(generatedAt, body.GetProperty("generatedAt").GetDateTimeOffset());
        Assert.True(body.GetProperty("stale").GetBoolean());
        Assert.Equal("stored", body.GetProperty("source").GetString());
    }

    [Fact]
    public async Task An_unknown_record_or_one_of_another_workspace_is_a_404_even_with_a_stored_summary()
    {
        var owner = await ContactApi.RegisterAsync(factory, "Owners");
        var stranger = await ContactApi.RegisterAsync(factory, "Strangers");
        var contact = await CreateContactAsync(owner, "Ottilie", "Brandvold");
        await StoreAsync(owner.WorkspaceId, new AiSummary
        {
            EntityType = "contact",
            EntityId = contact,
            Summary = "Private to the owners.",
            Method = SummaryMethod.Extractive,
            Model = "textrank",
            TimelineHash = "hash",
            TimelineEntries = 1,
            GeneratedAt = DateTimeOffset.UtcNow,
        });

        using (var unknown = await owner.SendAsync(HttpMethod.Get, $"/{Guid.CreateVersion7()}/summary"))
        {
            await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        }
        using (var theirs = await stranger.SendAsync(HttpMethod.Get, $"/{contact}/summary"))
        {
            var problem = await AuthApi.AssertProblemAsync(theirs, HttpStatusCode.NotFound);
            Assert.DoesNotContain("Private", problem.ToString(), StringComparison.Ordinal);
        }
        // The contact's id under another record type is not that record.
        using (var asDeal = await owner.Companies.WithResource("/api/v1/deals").SendAsync(HttpMethod.Get, $"/{contact}/summary"))
        {
            await AuthApi.AssertProblemAsync(asDeal, HttpStatusCode.NotFound);
        }
        using var own = await owner.SendAsync(HttpMethod.Get, $"/{contact}/summary");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_caller_gets_a_401()
    {
        using var response = await factory.CreateClient().GetAsync($"/api/v1/contacts/{Guid.CreateVersion7()}/summary");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<Guid> CreateContactAsync(ContactApi caller, string firstName, string lastName)
    {
        var (contact, _) = await caller.CreateAsync(new { firstName, lastName });
        return contact.GetProperty("id").GetGuid();
    }

    /// <summary>Stores a summary as the AI worker does: in the workspace's session.</summary>
    private async Task StoreAsync(Guid workspaceId, AiSummary summary)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(workspaceId, null));
        db.AiSummaries.Add(summary);
        await db.SaveChangesAsync();
    }
}
