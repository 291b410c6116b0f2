using System.Text.RegularExpressions;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>
/// One <c>filter[field]=value</c> or <c>filter[field][op]=value</c> query parameter, as given; <c>Key</c> is the
/// parameter's name as sent, the key of its errors.
/// </summary>
public sealed record FilterParameter(string Key, string Field, string Op, string Value);

/// <summary>
/// The list parameters of a request (DESIGN.md section 7), unvalidated: which fields and values are allowed depends on
/// the resource, so <see cref="ListingSchema{TEntity}.Plan"/> validates them. Endpoints take it as a parameter
/// (<see cref="BindAsync"/>).
/// </summary>
public sealed partial class ListQuery
{
    public string? Limit { get; init; }

    public string? Cursor { get; init; }

    public string? Sort { get; init; }

    public string? Q { get; init; }

    public string? IncludeTotal { get; init; }

    public IReadOnlyList<FilterParameter> Filters { get; init; } = [];

    /// <summary>Malformed or repeated parameters found while reading the query string, by parameter name.</summary>
    public IReadOnlyDictionary<string, string[]> ParseErrors { get; init; } = new Dictionary<string, string[]>();

    public static ValueTask<ListQuery?> BindAsync(HttpContext context) => ValueTask.FromResult<ListQuery?>(Parse(context.Request.Query));

    public static ListQuery Parse(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        var filters = new List<FilterParameter>();
        foreach (var (key, values) in query)
        {
            // A repeated parameter is ambiguous (AND? OR? last wins?), so it is refused rather than guessed.
            if (values.Count > 1 && (IsListParameter(key) || key.StartsWith("filter", StringComparison.Ordinal)))
            {
                errors[key] = [$"'{key}' is given {values.Count} times; give it once (use the 'in' operator for several values)."];
                continue;
            }
            // PostgreSQL text cannot hold U+0000; refused here rather than failing in the database.
            if ((IsListParameter(key) || key.StartsWith("filter", StringComparison.Ordinal)) && values.ToString().Contains('\0', StringComparison.Ordinal))
            {
                errors[key] = [$"'{key}' contains a NUL character, which no value may contain."];
                continue;
            }
            if (!key.StartsWith("filter", StringComparison.Ordinal))
            {
                continue;
            }
            var match = FilterKey().Match(key);
            if (!match.Success)
            {
                errors[key] = [$"'{key}' is not a filter; use filter[field]=value or filter[field][op]=value."];
                continue;
            }
            var op = match.Groups["op"].Success ? match.Groups["op"].Value : "eq";
            filters.Add(new FilterParameter(key, match.Groups["field"].Value, op, values.ToString()));
        }
        string? Valid(string key) => errors.ContainsKey(key) ? null : Single(query, key);
        return new ListQuery
        {
            Limit = Valid("limit"),
            Cursor = Valid("cursor"),
            Sort = Valid("sort"),
            Q = Valid("q"),
            IncludeTotal = Valid("includeTotal"),
            Filters = filters,
            ParseErrors = errors,
        };
    }

    private static bool IsListParameter(string key) => key is "limit" or "cursor" or "sort" or "q" or "includeTotal";

    private static string? Single(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count == 1 ? values.ToString() : null;

    [GeneratedRegex(@"^filter\[(?<field>[A-Za-z][A-Za-z0-9_]*)\](?:\[(?<op>[A-Za-z]+)\])?$")]
    private static partial Regex FilterKey();
}
