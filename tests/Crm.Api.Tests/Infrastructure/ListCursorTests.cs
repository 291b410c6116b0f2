using Crm.Api.Infrastructure.Listing;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>Cursors are opaque, checked, and bound to the list they came from.</summary>
public sealed class ListCursorTests
{
    private static readonly ListingSchema<Row> Schema = new ListingSchema<Row>("rows", r => r.Id)
        .Field("name", r => r.Name, sortable: true, filterable: true)
        .Field("note", r => r.Note, sortable: true)
        .Field("at", r => r.At, sortable: true);

    private static readonly Row Sample = new(Guid.CreateVersion7(), "o'brien & co", null, new DateTimeOffset(2025, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)).AddTicks(4560));

    private static string CursorFor(string queryString) => Schema.Plan(ListingDatabase.Query(queryString)).CursorAfter(Sample);

    private static ListPlan<Row> Plan(string queryString) => Schema.Plan(ListingDatabase.Query(queryString));

    [Fact]
    public void A_cursor_is_url_safe_and_reads_back_for_the_same_list()
    {
        var cursor = CursorFor("?sort=-at,note,name&filter[name][contains]=o");

        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        var plan = Plan($"?sort=-at,note,name&filter[name][contains]=o&cursor={cursor}&limit=3");
        Assert.True(plan.IsValid, string.Join(", ", plan.Errors.SelectMany(e => e.Value)));
        // Reading the cursor back and writing it again gives the same token: every key value survived exactly.
        Assert.Equal(cursor, plan.CursorAfter(Sample));
    }

    [Theory]
    [InlineData("?sort=name", "?sort=-name")]
    [InlineData("?sort=name", "?sort=name,at")]
    [InlineData("?sort=name", "?sort=name&filter[name]=x")]
    [InlineData("?sort=name&filter[name]=x", "?sort=name&filter[name]=y")]
    [InlineData("?sort=name", "?sort=name&q=x")]
    public void A_cursor_from_another_sort_or_filter_is_refused(string from, string to)
    {
        var plan = Plan($"{to}&cursor={CursorFor(from)}");

        Assert.Equal("The cursor belongs to a different sort, filter or q; repeat them unchanged, or start again without a cursor.", Assert.Single(plan.Errors["cursor"]));
    }

    [Fact]
    public void A_cursor_of_another_resource_is_refused()
    {
        var other = new ListingSchema<Row>("other", r => r.Id).Field("name", r => r.Name, sortable: true);
        var plan = other.Plan(ListingDatabase.Query($"?sort=name&cursor={CursorFor("?sort=name")}"));

        Assert.StartsWith("The cursor belongs to a different", Assert.Single(plan.Errors["cursor"]));
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("AAAA")]
    [InlineData("e30")]
    public void Garbage_is_refused(string cursor) =>
        Assert.Equal("The cursor is not valid; use the nextCursor of a previous page unchanged.", Assert.Single(Plan($"?cursor={Uri.EscapeDataString(cursor)}").Errors["cursor"]));

    [Fact]
    public void Every_changed_character_is_detected()
    {
        var cursor = CursorFor("?sort=name");
        for (var i = 0; i < cursor.Length; i++)
        {
            var tampered = cursor[..i] + (cursor[i] == 'A' ? 'B' : 'A') + cursor[(i + 1)..];
            var plan = Plan($"?sort=name&cursor={tampered}");
            Assert.False(plan.IsValid, $"position {i}");
            Assert.True(plan.Errors.ContainsKey("cursor"));
        }
        Assert.False(Plan($"?sort=name&cursor={cursor[..^2]}").IsValid);
    }

    [Fact]
    public void An_invalid_plan_refuses_to_be_applied()
    {
        var plan = Plan("?cursor=zzz");
        Assert.Throws<InvalidOperationException>(() => plan.ApplyPage(Array.Empty<Row>().AsQueryable()));
    }

    public sealed record Row(Guid Id, string Name, string? Note, DateTimeOffset At);
}
