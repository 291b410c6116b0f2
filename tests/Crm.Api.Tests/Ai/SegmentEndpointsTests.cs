using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Ai;

/// <summary>
/// GET /api/v1/segments, /segments/{id} and /segments/{id}/members over segments stored as the AI worker stores them
/// (in the workspace's session): active segments with their aggregates, type filter, keyset paging of members with
/// display names, members limited to the caller's record scope, 404 for another workspace's segment, 400 for bad input.
/// </summary>
public sealed class SegmentEndpointsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_list_shows_active_segments_with_aggregates_rfm_first_and_filters_by_type()
    {
        var owner = await CompanyApi.RegisterAsync(factory, "Segmented");
        var world = await PlantAsync(owner, null);

        var all = await GetAsync(owner, "/api/v1/segments");
        Assert.Equal([world.Champions, world.Cluster], all.GetProperty("data").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        Assert.False(all.GetProperty("hasMore").GetBoolean());
        var champions = all.GetProperty("data")[0];
        Assert.Equal(("rfm", "champions", "Champions", 3), (champions.GetProperty("type").GetString(), champions.GetProperty("key").GetString(),
            champions.GetProperty("name").GetString(), champions.GetProperty("customerCount").GetInt32()));
        Assert.Equal((45000m, 0.75m, 0.1m), (champions.GetProperty("totalDealValue").GetDecimal(), champions.GetProperty("conversionRate").GetDecimal(),
            champions.GetProperty("riskScore").GetDecimal()));
        Assert.Equal(5, champions.GetProperty("criteria").GetProperty("recencyScore").GetProperty("min").GetInt32());
        Assert.Equal(0.5, champions.GetProperty("insights").GetProperty("share").GetDouble());

        var behavioral = await GetAsync(owner, "/api/v1/segments?type=behavioral");
        var cluster = Assert.Single(behavioral.GetProperty("data").EnumerateArray());
        Assert.Equal(("behavioral", "cluster-0"), (cluster.GetProperty("type").GetString(), cluster.GetProperty("key").GetString()));

        using var bad = await owner.WithResource("/api/v1/segments").SendAsync(HttpMethod.Get, "?type=bogus");
        var problem = await AuthApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _));

        // The inactive one is still there by id, marked so.
        var inactive = await GetAsync(owner, $"/api/v1/segments/{world.Inactive}");
        Assert.False(inactive.GetProperty("isActive").GetBoolean());
    }

    [Fact]
    public async Task Members_are_paged_by_opportunity_with_names_and_limited_to_the_callers_record_scope()
    {
        var owner = await CompanyApi.RegisterAsync(factory, "Scoped segments");
        var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "own");
        var world = await PlantAsync(owner, rep.UserId);

        var first = await GetAsync(owner, $"/api/v1/segments/{world.Champions}/members?limit=2");
        var firstPage = first.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([world.RepsBest, world.OwnersCompany], firstPage.Select(m => m.GetProperty("entityId").GetGuid()));
        Assert.Equal(("company", "Rep's best", 0.9m), (firstPage[0].GetProperty("entityType").GetString(),
            firstPage[0].GetProperty("displayName").GetString(), firstPage[0].GetProperty("opportunityScore").GetDecimal()));
        Assert.Equal("555", firstPage[0].GetProperty("features").GetProperty("rfm").GetProperty("code").GetString());
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        var second = await GetAsync(owner,
            $"/api/v1/segments/{world.Champions}/members?limit=2&cursor={Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!)}");
        var secondPage = second.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([world.LoneContact], secondPage.Select(m => m.GetProperty("entityId").GetGuid()));
        Assert.Equal(("contact", "Lone Buyer"), (secondPage[0].GetProperty("entityType").GetString(), secondPage[0].GetProperty("displayName").GetString()));
        Assert.False(second.GetProperty("hasMore").GetBoolean());

        // The rep sees their own customers only; the segment's aggregates stay the workspace's.
        var repSees = await GetAsync(rep, $"/api/v1/segments/{world.Champions}/members");
        Assert.Equal([world.RepsBest], repSees.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("entityId").GetGuid()));
        var companiesOnly = await GetAsync(owner, $"/api/v1/segments/{world.Champions}/members?filter[entityType]=contact");
        Assert.Equal([world.LoneContact], companiesOnly.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("entityId").GetGuid()));

        foreach (var query in new[] { "?limit=0", "?limit=201", "?limit=ten", "?cursor=garbage", "?sort=bogus" })
        {
            using var bad = await owner.WithResource($"/api/v1/segments/{world.Champions}/members").SendAsync(HttpMethod.Get, query);
            await AuthApi.AssertProblemAsync(bad, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Another_workspaces_or_an_unknown_segment_is_a_404_and_its_members_too()
    {
        var owner = await CompanyApi.RegisterAsync(factory, "Private segments");
        var stranger = await CompanyApi.RegisterAsync(factory, "Curious");
        var world = await PlantAsync(owner, null);

        foreach (var path in new[]
                 {
                     $"/{world.Champions}", $"/{world.Champions}/members", $"/{Guid.CreateVersion7()}", $"/{Guid.CreateVersion7()}/members",
                 })
        {
            using var response = await stranger.WithResource("/api/v1/segments").SendAsync(HttpMethod.Get, path);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        var theirs = await GetAsync(stranger, "/api/v1/segments");
        Assert.Empty(theirs.GetProperty("data").EnumerateArray());
        using var anonymous = await factory.CreateClient().GetAsync("/api/v1/segments");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<JsonElement> GetAsync(CompanyApi caller, string path)
    {
        using var response = await caller.WithResource(path).SendAsync(HttpMethod.Get, "");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// Companies through the API (one owned by <paramref name="repId"/> when given), a contact without a company, and
    /// the segments the worker would store: Champions (three members), one cluster, one inactive cluster.
    /// </summary>
    private async Task<World> PlantAsync(CompanyApi owner, Guid? repId)
    {
        var (repsBest, _) = await owner.CreateAsync(repId is { } rep ? new { name = "Rep's best", ownerId = rep } : new { name = "Rep's best" });
        var (ownersCompany, _) = await owner.CreateAsync(new { name = "Owner's own" });
        var (contact, _) = await owner.WithResource("/api/v1/contacts").CreateAsync(new { firstName = "Lone", lastName = "Buyer" });
        var world = new World(Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(),
            repsBest.GetProperty("id").GetGuid(), ownersCompany.GetProperty("id").GetGuid(), contact.GetProperty("id").GetGuid());

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(owner.WorkspaceId, null));
        var now = DateTimeOffset.UtcNow;
        db.CustomerSegments.AddRange(
            new CustomerSegment
            {
                Id = world.Cluster, SegmentType = SegmentType.Behavioral, Key = "cluster-0", Name = "Frequent buyers, high spend",
                CustomerCount = 3, Criteria = """{"centroid":{"wonDeals":9}}""", RefreshedAt = now,
            },
            new CustomerSegment
            {
                Id = world.Champions, SegmentType = SegmentType.Rfm, Key = "champions", Name = "Champions", CustomerCount = 3,
                TotalDealValue = 45000, AvgDealValue = 5000, ConversionRate = 0.75m, RiskScore = 0.1m, OpportunityScore = 0.3m,
                Criteria = """{"recencyScore":{"min":5,"max":5}}""", Insights = """{"share":0.5}""", RefreshedAt = now,
            },
            new CustomerSegment { Id = world.Inactive, SegmentType = SegmentType.Behavioral, Key = "cluster-1", Name = "Gone", IsActive = false, RefreshedAt = now });
        db.CustomerSegmentMembers.AddRange(
            Member(world.Champions, "company", world.RepsBest, 0.9m, "555"),
            Member(world.Champions, "company", world.OwnersCompany, 0.5m, "545"),
            Member(world.Champions, "contact", world.LoneContact, 0.2m, "554"),
            Member(world.Cluster, "company", world.RepsBest, 0.9m, "555"));
        await db.SaveChangesAsync();
        return world;

        static CustomerSegmentMember Member(Guid segment, string type, Guid id, decimal opportunity, string code) => new()
        {
            SegmentId = segment, EntityType = type, EntityId = id, ChurnRisk = 0.1m, OpportunityScore = opportunity,
            Features = $$$"""{"rfm":{"code":"{{{code}}}"}}""",
        };
    }

    private sealed record World(Guid Champions, Guid Cluster, Guid Inactive, Guid RepsBest, Guid OwnersCompany, Guid LoneContact);
}
