using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>Validation of list parameters: each mistake is a 400 naming the parameter, never an exception.</summary>
public sealed class ListingParsingTests
{
    public sealed class Sample
    {
        public Guid Id { get; init; } = Guid.NewGuid();
        public string Name { get; init; } = "";
        public string? Note { get; init; }
        public int Count { get; init; }
        public long Big { get; init; }
        public decimal Amount { get; init; }
        public bool Active { get; init; }
        public DateTimeOffset At { get; init; }
        public MemberRole Role { get; init; }
        public MemberRole? OptionalRole { get; init; }
        public Guid? OwnerId { get; init; }
    }

    private static readonly ListingSchema<Sample> Schema = new ListingSchema<Sample>("samples", s => s.Id)
        .Field("name", s => s.Name, sortable: true, filterable: true, searchable: true)
        .Field("note", s => s.Note, sortable: true, filterable: true)
        .Field("count", s => s.Count, sortable: true, filterable: true)
        .Field("big", s => s.Big, filterable: true)
        .Field("amount", s => s.Amount, sortable: true, filterable: true)
        .Field("active", s => s.Active, sortable: true, filterable: true)
        .Field("at", s => s.At, sortable: true, filterable: true)
        .Field("role", s => s.Role, filterable: true)
        .Field("optionalRole", s => s.OptionalRole, filterable: true)
        .Field("ownerId", s => s.OwnerId, sortable: true, filterable: true)
        .Field("hidden", s => s.Name);

    private static ListPlan<Sample> Plan(string queryString) => Schema.Plan(ListingDatabase.Query(queryString));

    private static string Error(string queryString, string key)
    {
        var plan = Plan(queryString);
        Assert.False(plan.IsValid);
        Assert.True(plan.Errors.ContainsKey(key), $"errors: {string.Join(", ", plan.Errors.Keys)}");
        return Assert.Single(plan.Errors[key]);
    }

    [Fact]
    public void Defaults_are_limit_50_without_total()
    {
        var plan = Plan("");
        Assert.True(plan.IsValid);
        Assert.Equal(50, plan.Limit);
        Assert.False(plan.IncludeTotal);
        Assert.True(Plan("?limit=200&includeTotal=true").IncludeTotal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    public void Limit_out_of_range_or_not_a_number_is_refused(string limit) =>
        Assert.Equal($"'{limit}' is not a whole number from 1 to 200.", Error($"?limit={limit}", "limit"));

    [Fact]
    public void IncludeTotal_must_be_a_boolean() =>
        Assert.Equal("'maybe' is not true or false.", Error("?includeTotal=maybe", "includeTotal"));

    [Theory]
    [InlineData("nope", "'nope' is not a sortable field; use one of: id, name, note, count, amount, active, at, ownerId.")]
    [InlineData("name,-hidden", "'hidden' is not a sortable field; use one of: id, name, note, count, amount, active, at, ownerId.")]
    [InlineData("name,-name", "'name' is given more than once.")]
    [InlineData("name,,count", "'name,,count' has an empty field; write e.g. sort=name,-createdAt.")]
    public void Bad_sorts_are_refused(string sort, string message) => Assert.Equal(message, Error($"?sort={sort}", "sort"));

    [Theory]
    [InlineData("?sort=name,-at,%2Bcount")]
    [InlineData("?sort=-id")]
    [InlineData("?sort=note,active,-ownerId,amount")]
    public void Good_sorts_are_accepted(string queryString) => Assert.True(Plan(queryString).IsValid);

    [Theory]
    [InlineData("filter[name]", "x")]
    [InlineData("filter[name][ne]", "x")]
    [InlineData("filter[name][in]", "a,b,c")]
    [InlineData("filter[name][contains]", "50%_off")]
    [InlineData("filter[name][startsWith]", "a")]
    [InlineData("filter[note][isNull]", "true")]
    [InlineData("filter[note][isNull]", "false")]
    [InlineData("filter[id]", "0194f2c3-58e5-7a44-9b4a-3c6f0e2a1b11")]
    [InlineData("filter[ownerId][in]", "0194f2c3-58e5-7a44-9b4a-3c6f0e2a1b11,0194f2c3-58e5-7a44-9b4a-3c6f0e2a1b12")]
    [InlineData("filter[count][gt]", "-5")]
    [InlineData("filter[count][lte]", "2147483647")]
    [InlineData("filter[big][gte]", "9000000000")]
    [InlineData("filter[amount][lt]", "12.50")]
    [InlineData("filter[active]", "true")]
    [InlineData("filter[at][gt]", "2025-03-01")]
    [InlineData("filter[at][lt]", "2025-03-01T10:00:00%2B02:00")]
    [InlineData("filter[role]", "sales_rep")]
    [InlineData("filter[role][in]", "owner,support_agent")]
    [InlineData("filter[optionalRole][isNull]", "true")]
    public void Every_operator_and_type_parses(string key, string value) => Assert.True(Plan($"?{key}={value}").IsValid);

    [Theory]
    [InlineData("filter[at][gt]", "yesterday", "'yesterday' is not a date-time (use ISO 8601).")]
    [InlineData("filter[at]", "03/01/2025", "'03/01/2025' is not a date-time (use ISO 8601).")]
    [InlineData("filter[id]", "42", "'42' is not a UUID.")]
    [InlineData("filter[count]", "1.5", "'1.5' is not a whole number in range.")]
    [InlineData("filter[count][gt]", "2147483648", "'2147483648' is not a whole number in range.")]
    [InlineData("filter[amount]", "12,5", "'12,5' is not a number.")]
    [InlineData("filter[active]", "yes", "'yes' is not true or false.")]
    [InlineData("filter[note][isNull]", "1", "'1' is not true or false.")]
    [InlineData("filter[role]", "SalesRep", "'SalesRep' is not one of: owner, admin, manager, sales_rep, support_agent, viewer.")]
    [InlineData("filter[role][in]", "owner,boss", "'boss' is not one of: owner, admin, manager, sales_rep, support_agent, viewer.")]
    [InlineData("filter[nope]", "1", "'nope' is not a filterable field; use one of: id, name, note, count, big, amount, active, at, role, optionalRole, ownerId.")]
    [InlineData("filter[hidden]", "1", "'hidden' is not a filterable field; use one of: id, name, note, count, big, amount, active, at, role, optionalRole, ownerId.")]
    [InlineData("filter[name][like]", "a", "'like' is not an operator; use one of: eq, ne, gt, gte, lt, lte, in, contains, startsWith, isNull.")]
    [InlineData("filter[at][contains]", "2025", "'contains' does not apply to 'at' (a date-time); use one of: eq, ne, in, gt, gte, lt, lte.")]
    [InlineData("filter[name][gt]", "a", "'gt' does not apply to 'name' (text); use one of: eq, ne, in, contains, startsWith.")]
    [InlineData("filter[name][isNull]", "true", "'isNull' does not apply to 'name' (text); use one of: eq, ne, in, contains, startsWith.")]
    [InlineData("filter[role][gt]", "owner", "'gt' does not apply to 'role' (one of a fixed set of values); use one of: eq, ne, in.")]
    [InlineData("filter[active][lt]", "true", "'lt' does not apply to 'active' (true/false); use one of: eq, ne, in.")]
    [InlineData("filter[id][startsWith]", "01", "'startsWith' does not apply to 'id' (a UUID); use one of: eq, ne, in.")]
    [InlineData("filter[name][contains]", "", "The value is empty.")]
    [InlineData("filter[name", "x", "'filter[name' is not a filter; use filter[field]=value or filter[field][op]=value.")]
    [InlineData("filter[name][eq][x]", "x", "'filter[name][eq][x]' is not a filter; use filter[field]=value or filter[field][op]=value.")]
    public void Bad_filters_are_refused_under_their_own_key(string key, string value, string message) =>
        Assert.Equal(message, Error($"?{key}={value}", key));

    [Fact]
    public void In_takes_at_most_100_values() =>
        Assert.Equal("'in' takes at most 100 values.", Error($"?filter[count][in]={string.Join(',', Enumerable.Range(0, 101))}", "filter[count][in]"));

    [Fact]
    public void Repeated_parameters_are_refused()
    {
        Assert.StartsWith("'filter[name]' is given 2 times", Error("?filter[name]=a&filter[name]=b", "filter[name]"));
        Assert.StartsWith("'limit' is given 2 times", Error("?limit=1&limit=2", "limit"));
    }

    [Fact]
    public void Several_errors_are_reported_together()
    {
        var plan = Plan("?limit=0&sort=nope&filter[at]=x&includeTotal=1");
        Assert.Equal(["filter[at]", "includeTotal", "limit", "sort"], plan.Errors.Keys.Order());
    }

    [Fact]
    public void Q_needs_searchable_fields_and_a_sane_length()
    {
        var noSearch = new ListingSchema<Sample>("x", s => s.Id).Plan(ListingDatabase.Query("?q=a"));
        Assert.Equal("This list has no free-text search.", Assert.Single(noSearch.Errors["q"]));
        Assert.Equal("q is longer than 200 characters.", Error($"?q={new string('a', 201)}", "q"));
        Assert.True(Plan("?q=%20%20").IsValid);
    }

    [Fact]
    public void Schemas_refuse_what_they_cannot_do()
    {
        Assert.Throws<ArgumentException>(() => new ListingSchema<Sample>("x", s => s.Id).Field("role", s => s.Role, sortable: true));
        Assert.Throws<ArgumentException>(() => new ListingSchema<Sample>("x", s => s.Id).Field("count", s => s.Count, searchable: true));
        Assert.Throws<ArgumentException>(() => new ListingSchema<Sample>("x", s => s.Id).Field("id", s => s.Id));
        Assert.Throws<ArgumentException>(() => new ListingSchema<Sample>("x", s => s.Id).Field("span", s => TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new ListingSchema<Sample>("x", s => s.Id).DefaultSort("nope"));
    }

    [Fact]
    public void Nullability_comes_from_the_property()
    {
        Assert.False(Schema.Fields.Single(f => f.Name == "name").IsNullable);
        Assert.True(Schema.Fields.Single(f => f.Name == "note").IsNullable);
        Assert.True(Schema.Fields.Single(f => f.Name == "optionalRole").IsNullable);
        Assert.False(Schema.Fields.Single(f => f.Name == "count").IsNullable);
    }

    [Fact]
    public async Task BindAsync_reads_the_request_query()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?limit=5&sort=-name&q=acme&includeTotal=true&cursor=abc&filter[count][gt]=3&other=1");

        var query = await ListQuery.BindAsync(context);

        Assert.NotNull(query);
        Assert.Equal(("5", "-name", "acme", "true", "abc"), (query.Limit, query.Sort, query.Q, query.IncludeTotal, query.Cursor));
        Assert.Equal(new FilterParameter("filter[count][gt]", "count", "gt", "3"), Assert.Single(query.Filters));
        Assert.Empty(query.ParseErrors);
    }

    [Fact]
    public void Filters_of_every_type_apply_in_linq_to_objects()
    {
        var at = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Sample[] rows =
        [
            new() { Name = "a", Count = 1, Big = 10, Amount = 1.5m, Active = true, At = at, Role = MemberRole.SalesRep },
            new() { Name = "b", Count = 2, Big = 20, Amount = 2.5m, Active = false, At = at.AddDays(1), Role = MemberRole.Owner, OptionalRole = MemberRole.Viewer },
            new() { Name = "c", Count = 3, Big = 30, Amount = 3.5m, Active = true, At = at.AddDays(2), Role = MemberRole.Viewer },
        ];
        string[] Names(string queryString) => [.. Plan(queryString).ApplyFilters(rows.AsQueryable()).Select(s => s.Name)];

        Assert.Equal(["b", "c"], Names("?filter[count][gte]=2"));
        Assert.Equal(["a"], Names("?filter[big][lt]=20"));
        Assert.Equal(["a", "b"], Names("?filter[amount][lte]=2.5"));
        Assert.Equal(["b"], Names("?filter[active]=false"));
        Assert.Equal(["a", "c"], Names("?filter[active][ne]=false"));
        Assert.Equal(["c"], Names("?filter[at][gt]=2025-03-02T00:00:00Z"));
        Assert.Equal(["a", "b"], Names("?filter[role][in]=sales_rep,owner"));
        Assert.Equal(["a", "c"], Names("?filter[optionalRole][isNull]=true"));
        Assert.Equal(["b"], Names("?filter[optionalRole]=viewer"));
        Assert.Equal([rows[1].Name], Names($"?filter[id]={rows[1].Id}"));
    }
}
