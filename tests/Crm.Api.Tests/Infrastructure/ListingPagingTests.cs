using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>Keyset paging against PostgreSQL: every row once, in the order an in-memory sort gives.</summary>
public sealed class ListingPagingTests(ListingDatabase fixture) : IClassFixture<ListingDatabase>
{
    [Theory]
    [InlineData("name", 7)]
    [InlineData("-name", 50)]
    [InlineData("createdAt", 13)]
    [InlineData("-createdAt,name", 20)]
    [InlineData("description,-createdAt", 9)]
    [InlineData("-description,createdAt", 11)]
    [InlineData("description", 200)]
    [InlineData("-id", 33)]
    [InlineData("", 17)]
    public async Task Paging_returns_every_row_once_in_sort_order(string sort, int limit)
    {
        var pages = await PageThroughAsync(fixture.WorkspaceId, $"?sort={sort}&limit={limit}");

        var expected = InMemory.Sort(fixture.Teams, sort).Select(t => t.Id).ToList();
        Assert.Equal(expected, pages.SelectMany(p => p.Data).Select(t => t.Id).ToList());
        Assert.All(pages.SkipLast(1), p => Assert.True(p.HasMore && p.Data.Count == limit && p.NextCursor is not null));
        Assert.False(pages[^1].HasMore);
        Assert.Null(pages[^1].NextCursor);
    }

    [Theory]
    [InlineData("?filter[name]=team0042", "name eq")]
    [InlineData("?filter[name][ne]=team0042", "name ne")]
    [InlineData("?filter[description][ne]=desc03", "description ne (nulls included, as in C#)")]
    [InlineData("?filter[description][isNull]=true", "isNull true")]
    [InlineData("?filter[description][isNull]=false", "isNull false")]
    [InlineData("?filter[description][in]=desc01,desc02,desc19", "in")]
    [InlineData("?filter[createdAt][gte]=2025-01-01T00:10:00Z&filter[createdAt][lt]=2025-01-01T00:20:00Z", "range")]
    [InlineData("?filter[createdAt][gt]=2025-01-01T01:10:00%2B01:00", "offset converted to UTC")]
    [InlineData("?filter[createdAt][lte]=2025-01-01T00:05:00Z", "lte")]
    [InlineData("?filter[createdAt]=2025-01-01T00:13:00Z", "date eq")]
    [InlineData("?filter[name][contains]=AM01", "contains, any case")]
    [InlineData("?filter[name][startsWith]=TEAM02", "startsWith")]
    [InlineData("?filter[parentTeamId][isNull]=true", "nullable Guid isNull")]
    [InlineData("?q=Desc1", "q over name and description")]
    [InlineData("?q=%25", "q % is literal")]
    [InlineData("?q=_", "q _ is literal")]
    [InlineData("?filter[description][startsWith]=desc0&q=team01&sort=-description", "combined")]
    public async Task Filters_select_what_linq_to_objects_selects(string queryString, string because)
    {
        var pages = await PageThroughAsync(fixture.WorkspaceId, queryString + "&limit=40");

        var expected = fixture.Teams.Where(InMemory.Filter(queryString)).Select(t => t.Id).Order().ToList();
        var actual = pages.SelectMany(p => p.Data).Select(t => t.Id).Order().ToList();
        Assert.True(expected.SequenceEqual(actual), because);
    }

    [Fact]
    public async Task Filter_by_id_and_includeTotal_count_the_filtered_rows()
    {
        var team = fixture.Teams[17];
        var one = await PageThroughAsync(fixture.WorkspaceId, $"?filter[id]={team.Id}");
        Assert.Equal(team.Id, Assert.Single(Assert.Single(one).Data).Id);

        await using var db = fixture.Context(fixture.WorkspaceId);
        var plan = ListingDatabase.TeamSchema.Plan(ListingDatabase.Query("?filter[description][isNull]=false&limit=5&includeTotal=true"));
        var page = await db.Teams.AsNoTracking().ToListPageAsync(plan, t => t.Id);
        Assert.Equal(fixture.Teams.Count(t => t.Description is not null), page.Total);
        Assert.Equal(5, page.Data.Count);

        var withoutTotal = await db.Teams.AsNoTracking().ToListPageAsync(ListingDatabase.TeamSchema.Plan(ListingDatabase.Query("?limit=5")), t => t.Id);
        Assert.Null(withoutTotal.Total);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("-createdAt,name")]
    [InlineData("description,-createdAt")]
    public async Task Paging_stays_stable_while_rows_are_inserted(string sort)
    {
        var (workspaceId, original) = await fixture.SeedWorkspaceAsync(120);
        var seen = new List<Guid>();
        string? cursor = null;
        var inserted = 0;
        for (var page = 0; page < 100; page++)
        {
            var result = await FetchAsync(workspaceId, $"?sort={sort}&limit=10" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(result.Data.Select(t => t.Id));
            if (!result.HasMore)
            {
                break;
            }
            cursor = result.NextCursor;
            // New rows on both sides of the cursor: some sort before rows already returned, some after.
            await using var db = fixture.Context(workspaceId);
            db.Teams.AddRange(
                ListingDatabase.NewTeam($"team{inserted++:D4}x", inserted * 5),
                ListingDatabase.NewTeam($"zeta{inserted++:D4}", inserted * 3),
                ListingDatabase.NewTeam($"aaaa{inserted++:D4}", inserted));
            await db.SaveChangesAsync();
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(original.Select(t => t.Id).Except(seen));
    }

    [Fact]
    public async Task Another_workspaces_rows_are_not_listed()
    {
        var (otherWorkspace, otherTeams) = await fixture.SeedWorkspaceAsync(5);

        var pages = await PageThroughAsync(otherWorkspace, "?limit=200");

        Assert.Equal(otherTeams.Select(t => t.Id).Order(), pages.SelectMany(p => p.Data).Select(t => t.Id).Order());
    }

    private async Task<List<ListPage<Team>>> PageThroughAsync(Guid workspaceId, string queryString)
    {
        var pages = new List<ListPage<Team>>();
        string? cursor = null;
        do
        {
            var page = await FetchAsync(workspaceId, queryString + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.Add(page);
            cursor = page.NextCursor;
            Assert.True(pages.Count <= 400, "paging does not end");
        }
        while (cursor is not null);
        return pages;
    }

    private async Task<ListPage<Team>> FetchAsync(Guid workspaceId, string queryString)
    {
        var plan = ListingDatabase.TeamSchema.Plan(ListingDatabase.Query(queryString));
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}")));
        await using var db = fixture.Context(workspaceId);
        return await db.Teams.AsNoTracking().ToListPageAsync(plan, t => t);
    }
}
