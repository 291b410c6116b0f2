using System.Globalization;
using System.Linq.Expressions;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>
/// What a resource lets clients sort, filter and search by, declared once per resource:
/// <code>
/// static readonly ListingSchema&lt;Team&gt; Schema = new ListingSchema&lt;Team&gt;("teams", t => t.Id)
///     .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
///     .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
///     .DefaultSort("-createdAt");
/// </code>
/// Field names are the API's camelCase names; <c>id</c> is always there and is the final tiebreak of every sort.
/// </summary>
public sealed class ListingSchema<TEntity>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
    internal const int MaxInValues = 100;
    internal const int MaxQLength = 200;

    private static readonly string[] AllOps = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "startsWith", "isNull"];

    private readonly Dictionary<string, ListField> _fields = new(StringComparer.Ordinal);
    private string _defaultSort = "id";

    public ListingSchema(string resource, Expression<Func<TEntity, Guid>> id)
    {
        Resource = resource;
        Id = Add(new ListField("id", id, sortable: true, filterable: true, searchable: false));
    }

    /// <summary>Names the list in cursors, so one resource's cursor is refused by another's list.</summary>
    public string Resource { get; }

    public ListField Id { get; }

    public IReadOnlyCollection<ListField> Fields => _fields.Values;

    public ListingSchema<TEntity> Field<TValue>(
        string name, Expression<Func<TEntity, TValue>> selector, bool sortable = false, bool filterable = false, bool searchable = false)
    {
        Add(new ListField(name, selector, sortable, filterable, searchable));
        return this;
    }

    /// <summary>The sort when the request gives none, in the <c>sort</c> parameter's syntax; checked here, at start-up.</summary>
    public ListingSchema<TEntity> DefaultSort(string sort)
    {
        var errors = new List<string>();
        ParseSort(sort, errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(errors[0], nameof(sort));
        }
        _defaultSort = sort;
        return this;
    }

    /// <summary>
    /// Validates <paramref name="query"/> against this schema and the <paramref name="related"/> filters the caller
    /// offers besides (filter[tag]); see <see cref="ListPlan{TEntity}.IsValid"/>.
    /// </summary>
    public ListPlan<TEntity> Plan(ListQuery query, IReadOnlyList<RelatedFilter>? related = null)
    {
        var errors = query.ParseErrors.ToDictionary(e => e.Key, e => e.Value);
        void Fail(string key, string message) => errors[key] = [message];

        var limit = DefaultLimit;
        if (query.Limit is not null &&
            (!int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            Fail("limit", $"'{query.Limit}' is not a whole number from 1 to {MaxLimit}.");
        }

        var includeTotal = false;
        if (query.IncludeTotal is not null && !bool.TryParse(query.IncludeTotal, out includeTotal))
        {
            Fail("includeTotal", $"'{query.IncludeTotal}' is not true or false.");
        }

        var sortErrors = new List<string>();
        var sort = ParseSort(string.IsNullOrWhiteSpace(query.Sort) ? _defaultSort : query.Sort, sortErrors);
        if (sortErrors.Count > 0)
        {
            errors["sort"] = [.. sortErrors];
        }

        related ??= [];
        var filters = new List<FilterPredicate>();
        var relatedFilters = new List<RelatedPredicate>();
        foreach (var filter in query.Filters)
        {
            if (!_fields.ContainsKey(filter.Field) && related.FirstOrDefault(r => r.Name == filter.Field) is { } relation)
            {
                if (ParseRelated(relation, filter, out var message) is { } predicate)
                {
                    relatedFilters.Add(predicate);
                }
                else
                {
                    Fail(filter.Key, message);
                }
            }
            else if (ParseFilter(filter, related, out var message) is { } predicate)
            {
                filters.Add(predicate);
            }
            else
            {
                Fail(filter.Key, message);
            }
        }

        var q = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim();
        if (q is { Length: > MaxQLength })
        {
            Fail("q", $"q is longer than {MaxQLength} characters.");
        }
        if (q is not null && !_fields.Values.Any(f => f.Searchable))
        {
            Fail("q", "This list has no free-text search.");
        }

        var spec = ListCursor.Spec(Resource, string.Join(',', sort.Select(k => (k.Descending ? "-" : "") + k.Field.Name)),
            query.Filters.Select(f => $"{f.Field}[{f.Op}]={f.Value}"), q);
        IReadOnlyList<object?>? after = null;
        if (!string.IsNullOrEmpty(query.Cursor) && sortErrors.Count == 0)
        {
            after = DecodeCursor(query.Cursor, spec, sort, out var message);
            if (after is null)
            {
                Fail("cursor", message);
            }
        }

        return new ListPlan<TEntity>(
            errors, limit, includeTotal, sort, filters, relatedFilters, Id, q, [.. _fields.Values.Where(f => f.Searchable)], after, spec);
    }

    private ListField Add(ListField field)
    {
        if (!_fields.TryAdd(field.Name, field))
        {
            throw new ArgumentException($"List field '{field.Name}' is declared twice.", nameof(field));
        }
        return field;
    }

    private List<SortKey> ParseSort(string sort, List<string> errors)
    {
        var keys = new List<SortKey>();
        foreach (var part in sort.Split(',', StringSplitOptions.TrimEntries))
        {
            var descending = part.StartsWith('-');
            var name = descending || part.StartsWith('+') ? part[1..] : part;
            if (name.Length == 0)
            {
                errors.Add($"'{sort}' has an empty field; write e.g. sort=name,-createdAt.");
            }
            else if (!_fields.TryGetValue(name, out var field) || !field.Sortable)
            {
                errors.Add($"'{name}' is not a sortable field; use one of: {Names(f => f.Sortable)}.");
            }
            else if (keys.Any(k => k.Field == field))
            {
                errors.Add($"'{name}' is given more than once.");
            }
            else
            {
                keys.Add(new SortKey(field, descending));
            }
        }
        // A unique last key makes the order total, which keyset paging needs to neither skip nor repeat rows.
        if (!keys.Any(k => k.Field == Id))
        {
            keys.Add(new SortKey(Id, Descending: false));
        }
        return keys;
    }

    private FilterPredicate? ParseFilter(FilterParameter filter, IReadOnlyList<RelatedFilter> related, out string error)
    {
        error = string.Empty;
        if (!_fields.TryGetValue(filter.Field, out var field) || !field.Filterable)
        {
            var names = _fields.Values.Where(f => f.Filterable).Select(f => f.Name).Concat(related.Select(r => r.Name));
            error = $"'{filter.Field}' is not a filterable field; use one of: {string.Join(", ", names)}.";
            return null;
        }
        if (!AllOps.Contains(filter.Op, StringComparer.Ordinal))
        {
            error = $"'{filter.Op}' is not an operator; use one of: {string.Join(", ", AllOps)}.";
            return null;
        }
        var allowed = AllowedOps(field);
        if (!allowed.Contains(filter.Op))
        {
            error = $"'{filter.Op}' does not apply to '{field.Name}' ({Describe(field)}); use one of: {string.Join(", ", allowed)}.";
            return null;
        }
        switch (filter.Op)
        {
            case "isNull":
                if (filter.Value is not ("true" or "false"))
                {
                    error = $"'{filter.Value}' is not true or false.";
                    return null;
                }
                return new FilterPredicate(field, filter.Op, [filter.Value == "true"]);
            case "contains" or "startsWith":
                if (filter.Value.Length == 0)
                {
                    error = "The value is empty.";
                    return null;
                }
                return new FilterPredicate(field, filter.Op, [filter.Value]);
            case "in":
                var texts = filter.Value.Split(',', StringSplitOptions.TrimEntries);
                if (texts.Length > MaxInValues)
                {
                    error = $"'in' takes at most {MaxInValues} values.";
                    return null;
                }
                var values = new List<object?>();
                foreach (var text in texts)
                {
                    if (!FieldValues.TryParse(field, text, out var value, out error))
                    {
                        return null;
                    }
                    values.Add(value);
                }
                return new FilterPredicate(field, filter.Op, values);
            default:
                return FieldValues.TryParse(field, filter.Value, out var single, out error)
                    ? new FilterPredicate(field, filter.Op, [single])
                    : null;
        }
    }

    /// <summary>A related filter takes eq (one value) or in (a comma list), as text.</summary>
    private static RelatedPredicate? ParseRelated(RelatedFilter relation, FilterParameter filter, out string error)
    {
        error = string.Empty;
        if (filter.Op is not ("eq" or "in"))
        {
            error = $"'{filter.Op}' does not apply to '{relation.Name}'; use one of: eq, in.";
            return null;
        }
        var values = filter.Op == "in" ? filter.Value.Split(',', StringSplitOptions.TrimEntries) : [filter.Value.Trim()];
        if (values.Length > MaxInValues)
        {
            error = $"'in' takes at most {MaxInValues} values.";
            return null;
        }
        if (values.Any(v => v.Length == 0))
        {
            error = "The value is empty.";
            return null;
        }
        return new RelatedPredicate(relation, values);
    }

    private static List<string> AllowedOps(ListField field)
    {
        List<string> ops = ["eq", "ne", "in"];
        if (field.Kind is FieldKind.Integer or FieldKind.Decimal or FieldKind.DateTime or FieldKind.Date)
        {
            ops.AddRange(["gt", "gte", "lt", "lte"]);
        }
        if (field.Kind is FieldKind.String)
        {
            ops.AddRange(["contains", "startsWith"]);
        }
        if (field.IsNullable)
        {
            ops.Add("isNull");
        }
        return ops;
    }

    private static string Describe(ListField field) => field.Kind switch
    {
        FieldKind.String => "text",
        FieldKind.Guid => "a UUID",
        FieldKind.Integer => "a whole number",
        FieldKind.Decimal => "a number",
        FieldKind.Boolean => "true/false",
        FieldKind.DateTime => "a date-time",
        FieldKind.Date => "a date",
        _ => "one of a fixed set of values",
    };

    private static IReadOnlyList<object?>? DecodeCursor(string cursor, string spec, List<SortKey> sort, out string error)
    {
        if (!ListCursor.TryDecode(cursor, spec, out var texts, out error))
        {
            return null;
        }
        var invalid = error;
        if (texts.Count != sort.Count)
        {
            return null;
        }
        var values = new object?[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                // Only a nullable field's key may be null; the id never is.
                if (!sort[i].Field.IsNullable)
                {
                    return null;
                }
            }
            else if (!FieldValues.TryParse(sort[i].Field, texts[i]!, out values[i], out _))
            {
                error = invalid;
                return null;
            }
        }
        return values;
    }

    private string Names(Func<ListField, bool> predicate) => string.Join(", ", _fields.Values.Where(predicate).Select(f => f.Name));
}

internal sealed record SortKey(ListField Field, bool Descending);

internal sealed record FilterPredicate(ListField Field, string Op, IReadOnlyList<object?> Values);

internal sealed record RelatedPredicate(RelatedFilter Filter, IReadOnlyList<string> Values);

/// <summary>
/// A filter on what is related to the entities rather than on their own columns, such as <c>filter[tag]=vip</c>:
/// <c>eq</c> takes one value, <c>in</c> a comma list (any of them), and <see cref="MatchingIds"/> answers the query of
/// the ids of the entities that match. Offered per request (<see cref="ListingSchema{TEntity}.Plan"/>), since that
/// query needs the request's database context.
/// </summary>
public sealed record RelatedFilter(string Name, Func<IReadOnlyList<string>, IQueryable<Guid>> MatchingIds);
