using Microsoft.AspNetCore.Http;

namespace Crm.Domain.Search;

/// <summary>
/// The query string of a search (<c>q</c>, <c>types</c>, <c>filter[owner]</c>, <c>filter[stage]</c>,
/// <c>filter[tags]</c>, <c>limit</c>, <c>cursor</c>), read the same way by Crm.Api (which checks it before it calls
/// Crm.Search) and by Crm.Search.
/// </summary>
public static class SearchQueryParser
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;
    public const int MaxQueryLength = 200;

    /// <summary>The request, or the errors by parameter name (for a 400 ValidationProblem).</summary>
    public static (SearchRequest? Request, Dictionary<string, string[]> Errors) Parse(
        IQueryCollection query, Guid workspaceId, IReadOnlyList<Guid>? visibleOwners)
    {
        var errors = new Dictionary<string, string[]>();
        var text = query["q"].ToString().Trim();
        if (text.Length == 0 || LexicalQuery.Parse(text).IsEmpty)
        {
            errors["q"] = ["Type something to search for: a name, an email, a word (letters or digits)."];
        }
        else if (text.Length > MaxQueryLength)
        {
            errors["q"] = [$"A search is at most {MaxQueryLength} characters."];
        }

        var types = query["types"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(t => t.ToLowerInvariant()).Distinct().ToArray();
        if (types.Except(SearchTypes.All).ToArray() is { Length: > 0 } unknown)
        {
            errors["types"] = [$"Unknown type(s) {string.Join(", ", unknown)}; types are {string.Join(", ", SearchTypes.All)}."];
        }

        var owner = ParseGuid(query, "filter[owner]", errors);
        var stage = ParseGuid(query, "filter[stage]", errors);
        var tags = query["filter[tags]"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct().ToArray();

        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"limit is a whole number from 1 to {MaxLimit}."];
        }

        // The cursor's format is the backend's own; a backend refuses one it did not write with an ArgumentException.
        var cursor = query["cursor"].ToString();

        return errors.Count > 0
            ? (null, errors)
            : (new SearchRequest(workspaceId, text, types, new SearchFilters(owner, stage, tags), visibleOwners, limit,
                cursor.Length == 0 ? null : cursor), errors);
    }

    /// <summary>
    /// A backend's refusal of a request (a cursor it did not write) as validation errors: by the parameter it names
    /// ("Cursor" is "cursor"), without the " (Parameter 'x')" ArgumentException appends.
    /// </summary>
    public static Dictionary<string, string[]> ErrorsOf(ArgumentException refusal)
    {
        var name = string.IsNullOrEmpty(refusal.ParamName) ? "q" : refusal.ParamName.ToLowerInvariant();
        var message = refusal.ParamName is null
            ? refusal.Message
            : refusal.Message.Replace($" (Parameter '{refusal.ParamName}')", "", StringComparison.Ordinal);
        return new Dictionary<string, string[]> { [name] = [message] };
    }

    private static Guid? ParseGuid(IQueryCollection query, string name, Dictionary<string, string[]> errors)
    {
        var value = query[name].ToString();
        if (value.Length == 0)
        {
            return null;
        }
        if (Guid.TryParse(value, out var id))
        {
            return id;
        }
        errors[name] = [$"{name} must be an id (a UUID)."];
        return null;
    }
}
