using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Web.Records;
using Microsoft.AspNetCore.WebUtilities;

namespace Crm.Web.Features.Lists;

/// <summary>One condition of a list: <c>filter[field][op]=value</c> (<c>in</c> takes a comma list).</summary>
public sealed record ListFilter(string Field, string Op, string Value);

/// <summary>
/// What a list shows: search, sort, filters, columns, page size and cursor. It lives in the page's URL (so a refresh
/// or a shared link shows the same list) and becomes the API's list query.
/// </summary>
public sealed record ListQuery
{
    public static readonly int[] PageSizes = [25, 50, 100];

    public string? Q { get; init; }

    /// <summary>The API's sort (<c>name</c>, <c>-createdAt</c>); null for the list's default.</summary>
    public string? Sort { get; init; }

    public IReadOnlyList<ListFilter> Filters { get; init; } = [];

    /// <summary>The chosen columns (field keys, <c>customFields.{key}</c>, <c>tags</c>); null for the type's defaults.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    public int Limit { get; init; } = 25;

    public string? Cursor { get; init; }

    /// <summary>The saved view the list was opened from, if any (its name is shown; changes keep it until saved or cleared).</summary>
    public Guid? ViewId { get; init; }

    public bool IsFiltered => Filters.Count > 0 || !string.IsNullOrWhiteSpace(Q);

    /// <summary>The list's state as the page's query string (without the leading <c>?</c>).</summary>
    public string ToPageQuery()
    {
        var parts = new List<KeyValuePair<string, string?>>();
        Add(parts, "q", Q);
        Add(parts, "sort", Sort);
        foreach (var filter in Filters)
        {
            parts.Add(new(FilterKey(filter), filter.Value));
        }
        if (Columns is not null)
        {
            parts.Add(new("columns", string.Join(',', Columns)));
        }
        if (Limit != 25)
        {
            parts.Add(new("limit", Limit.ToString(CultureInfo.InvariantCulture)));
        }
        Add(parts, "cursor", Cursor);
        Add(parts, "view", ViewId?.ToString());
        return Encode(parts);
    }

    /// <summary>The API list query (<c>?limit=..&amp;sort=..&amp;filter[..]=..</c>); without paging for the CSV export.</summary>
    public string ToApiQuery(bool paged = true)
    {
        var parts = new List<KeyValuePair<string, string?>>();
        if (paged)
        {
            parts.Add(new("limit", Limit.ToString(CultureInfo.InvariantCulture)));
            Add(parts, "cursor", Cursor);
        }
        Add(parts, "q", Q?.Trim());
        Add(parts, "sort", Sort);
        foreach (var filter in Filters)
        {
            parts.Add(new(FilterKey(filter), filter.Value));
        }
        return Encode(parts);
    }

    public static ListQuery Parse(string query)
    {
        var values = QueryHelpers.ParseQuery(query);
        var filters = new List<ListFilter>();
        foreach (var (key, value) in values)
        {
            if (ParseFilterKey(key) is { } filter)
            {
                filters.Add(new ListFilter(filter.Field, filter.Op, value.ToString()));
            }
        }
        return new ListQuery
        {
            Q = Text(values, "q"),
            Sort = Text(values, "sort"),
            Filters = filters,
            Columns = Text(values, "columns")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Limit = int.TryParse(Text(values, "limit"), out var limit) && PageSizes.Contains(limit) ? limit : 25,
            Cursor = Text(values, "cursor"),
            ViewId = Guid.TryParse(Text(values, "view"), out var viewId) ? viewId : null,
        };
    }

    /// <summary>A saved view's <c>filters</c> (<c>{"field": {"op": value}}</c>, an array for <c>in</c>) as list filters.</summary>
    public static List<ListFilter> FiltersOf(JsonObject? filters)
    {
        var list = new List<ListFilter>();
        foreach (var (field, condition) in filters ?? [])
        {
            if (condition is JsonObject ops)
            {
                list.AddRange(ops.Select(op => new ListFilter(field, op.Key, ValueText(op.Value))));
            }
            else
            {
                list.Add(new ListFilter(field, "eq", ValueText(condition)));
            }
        }
        return list;
    }

    /// <summary>The filters as a saved view stores them, numbers as numbers (a view's filters are type-checked).</summary>
    public static JsonObject FiltersJson(IEnumerable<ListFilter> filters, Func<string, FieldKind?> kindOf)
    {
        var json = new JsonObject();
        foreach (var filter in filters)
        {
            var ops = json[filter.Field] as JsonObject ?? new JsonObject();
            json[filter.Field] = ops;
            ops[filter.Op] = filter.Op == "in"
                ? new JsonArray(filter.Value.Split(',', StringSplitOptions.TrimEntries).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray())
                : kindOf(filter.Field) is FieldKind.Number or FieldKind.Money or FieldKind.Percent
                  && decimal.TryParse(filter.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
                    ? JsonValue.Create(number)
                    : JsonValue.Create(filter.Value);
        }
        return json;
    }

    private static string ValueText(JsonNode? node) => node switch
    {
        JsonArray array => string.Join(',', array.Select(item => item?.ToString())),
        null => "",
        _ => node.ToString(),
    };

    private static string FilterKey(ListFilter filter) =>
        filter.Op == "eq" ? $"filter[{filter.Field}]" : $"filter[{filter.Field}][{filter.Op}]";

    private static (string Field, string Op)? ParseFilterKey(string key)
    {
        if (!key.StartsWith("filter[", StringComparison.Ordinal) || !key.EndsWith(']'))
        {
            return null;
        }
        var inner = key["filter[".Length..^1].Split("][");
        return inner.Length switch
        {
            1 when inner[0].Length > 0 => (inner[0], "eq"),
            2 when inner[0].Length > 0 && inner[1].Length > 0 => (inner[0], inner[1]),
            _ => null,
        };
    }

    private static string? Text(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> values, string key) =>
        values.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString() : null;

    private static void Add(List<KeyValuePair<string, string?>> parts, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parts.Add(new(key, value));
        }
    }

    // Brackets stay readable in the page's URL; the API takes them either way.
    private static string Encode(List<KeyValuePair<string, string?>> parts)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in parts)
        {
            text.Append(text.Length == 0 ? "" : "&")
                .Append(Uri.EscapeDataString(key).Replace("%5B", "[").Replace("%5D", "]"))
                .Append('=').Append(Uri.EscapeDataString(value ?? "").Replace("%2C", ","));
        }
        return text.ToString();
    }
}
