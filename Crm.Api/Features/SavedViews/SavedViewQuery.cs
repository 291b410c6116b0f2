using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.Listing;

namespace Crm.Api.Features.SavedViews;

/// <summary>
/// A saved view's filters, q and sort as the list request they stand for: filters are stored normalized as
/// <c>{"field": {"op": value}}</c>, and become <c>filter[field][op]=value</c> parameters, checked by the object type's
/// listing schema and written into the view's <c>listPath</c>.
/// </summary>
internal static partial class SavedViewQuery
{
    public const int MaxFilters = 50;
    public const int MaxValueLength = 1_000;

    /// <summary>The filters as <c>{"field": {"op": value}}</c>; errors at <c>filters.{field}</c>.</summary>
    public static JsonObject Normalize(JsonObject filters, Action<string, string> fail)
    {
        var normalized = new JsonObject();
        if (filters.Count > MaxFilters)
        {
            fail("filters", $"At most {MaxFilters} filters.");
            return normalized;
        }
        foreach (var (field, value) in filters)
        {
            var path = $"filters.{field}";
            if (!Name().IsMatch(field))
            {
                fail(path, $"'{field}' is not a field name.");
                continue;
            }
            var ops = value as JsonObject ?? new JsonObject { ["eq"] = value?.DeepClone() };
            if (ops.Count == 0)
            {
                fail(path, "Give a value, or an object of operator and value such as {\"gte\": 50}.");
                continue;
            }
            var normalizedOps = new JsonObject();
            foreach (var (op, operand) in ops)
            {
                if (!Name().IsMatch(op))
                {
                    fail($"{path}.{op}", $"'{op}' is not an operator.");
                }
                else if (Text(operand, op == "in") is not { } text)
                {
                    fail($"{path}.{op}", op == "in" ? "Give an array of strings, numbers or booleans." : "Give a string, number or boolean.");
                }
                else if (text.Length > MaxValueLength)
                {
                    fail($"{path}.{op}", $"At most {MaxValueLength} characters.");
                }
                else
                {
                    normalizedOps[op] = operand!.DeepClone();
                }
            }
            normalized[field] = normalizedOps;
        }
        return normalized;
    }

    /// <summary>The list parameters of normalized filters, q and sort; each filter's errors are keyed filters.{field}.{op}.</summary>
    public static ListQuery ToListQuery(JsonObject filters, string? q, string? sort) => new()
    {
        Q = q,
        Sort = sort,
        Filters = [.. Parameters(filters).Select(p => new FilterParameter($"filters.{p.Field}.{p.Op}", p.Field, p.Op, p.Value))],
    };

    /// <summary>The view's list request: <c>/api/v1/contacts?filter[...]=...&amp;q=...&amp;sort=...</c>, URL-encoded.</summary>
    public static string ListPath(string route, JsonObject filters, string? q, string? sort)
    {
        var parameters = Parameters(filters).Select(p => new KeyValuePair<string, string?>($"filter[{p.Field}][{p.Op}]", p.Value)).ToList();
        if (q is not null)
        {
            parameters.Add(new("q", q));
        }
        if (sort is not null)
        {
            parameters.Add(new("sort", sort));
        }
        return route + QueryString.Create(parameters);
    }

    private static IEnumerable<(string Field, string Op, string Value)> Parameters(JsonObject filters) =>
        from field in filters
        from op in field.Value as JsonObject ?? []
        select (field.Key, op.Key, Text(op.Value, op.Key == "in") ?? string.Empty);

    /// <summary>A filter value as the query string writes it; an array (for in) as a comma list. Null when not a value.</summary>
    private static string? Text(JsonNode? value, bool list) => value switch
    {
        JsonArray items when list && items.Count > 0 && items.All(i => Text(i, list: false) is not null) =>
            string.Join(',', items.Select(i => Text(i, list: false))),
        JsonValue scalar => scalar.GetValueKind() switch
        {
            JsonValueKind.String => scalar.GetValue<string>(),
            JsonValueKind.Number => scalar.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        },
        _ => null,
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex Name();
}
