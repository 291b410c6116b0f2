using System.Linq.Expressions;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>
/// A list request validated against a <see cref="ListingSchema{TEntity}"/>: when <see cref="IsValid"/>, it applies
/// the filters, q, sort and keyset position to an <see cref="IQueryable{T}"/>; otherwise <see cref="Errors"/> says why,
/// keyed by query parameter.
/// </summary>
public sealed class ListPlan<TEntity>
{
    private readonly IReadOnlyList<SortKey> _sort;
    private readonly IReadOnlyList<FilterPredicate> _filters;
    private readonly IReadOnlyList<RelatedPredicate> _related;
    private readonly ListField _id;
    private readonly string? _q;
    private readonly IReadOnlyList<ListField> _searchable;
    private readonly IReadOnlyList<object?>? _after;
    private readonly string _spec;

    internal ListPlan(
        Dictionary<string, string[]> errors, int limit, bool includeTotal, IReadOnlyList<SortKey> sort, IReadOnlyList<FilterPredicate> filters,
        IReadOnlyList<RelatedPredicate> related, ListField id, string? q, IReadOnlyList<ListField> searchable, IReadOnlyList<object?>? after,
        string spec)
    {
        Errors = errors;
        Limit = limit;
        IncludeTotal = includeTotal;
        _sort = sort;
        _filters = filters;
        _related = related;
        _id = id;
        _q = q;
        _searchable = searchable;
        _after = after;
        _spec = spec;
    }

    public IDictionary<string, string[]> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    public int Limit { get; }

    public bool IncludeTotal { get; }

    /// <summary>The filters and q: the rows of the whole list (what <c>includeTotal</c> counts).</summary>
    public IQueryable<TEntity> ApplyFilters(IQueryable<TEntity> source)
    {
        EnsureValid();
        var entity = Expression.Parameter(typeof(TEntity), "e");
        foreach (var filter in _filters)
        {
            source = source.Where(Expression.Lambda<Func<TEntity, bool>>(FilterBody(filter, entity), entity));
        }
        foreach (var related in _related)
        {
            // id IN (the related query): EF Core inlines the query held by the closure as a subquery.
            var ids = ListExpressions.Value(related.Filter.MatchingIds(related.Values), typeof(IQueryable<Guid>));
            var contains = Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(Guid)], ids, ListExpressions.Member(_id, entity));
            source = source.Where(Expression.Lambda<Func<TEntity, bool>>(contains, entity));
        }
        if (_q is not null)
        {
            var any = _searchable.Select(f => ListExpressions.Like(ListExpressions.Member(f, entity), _q, prefixOnly: false)).Aggregate(Expression.OrElse);
            source = source.Where(Expression.Lambda<Func<TEntity, bool>>(any, entity));
        }
        return source;
    }

    /// <summary>The page's query: filtered, after the cursor, ordered, and one row more than the limit (to know hasMore).</summary>
    public IQueryable<TEntity> ApplyPage(IQueryable<TEntity> source)
    {
        source = ApplyFilters(source);
        var entity = Expression.Parameter(typeof(TEntity), "e");
        if (_after is not null)
        {
            source = source.Where(Expression.Lambda<Func<TEntity, bool>>(After(entity, 0), entity));
            if (FirstKeyBound(entity) is { } bound)
            {
                source = source.Where(Expression.Lambda<Func<TEntity, bool>>(bound, entity));
            }
        }
        return Order(source, entity).Take(Limit + 1);
    }

    /// <summary>
    /// <c>k1 &lt;= v1</c> (<c>&gt;=</c> ascending): implied by <see cref="After"/>, but a range an index on the first key
    /// can seek to, which PostgreSQL does not derive from After's OR. Without it a deep page reads, and filters out,
    /// every row before the cursor. Null when the first key is nullable (nulls come after every value) or a bool.
    /// </summary>
    private Expression? FirstKeyBound(ParameterExpression entity)
    {
        var key = _sort[0];
        if (_after![0] is not { } value || key.Field.IsNullable || key.Field.Kind == FieldKind.Boolean)
        {
            return null;
        }
        var op = key.Descending ? ExpressionType.LessThanOrEqual : ExpressionType.GreaterThanOrEqual;
        return ListExpressions.Compare(key.Field, ListExpressions.Member(key.Field, entity), op, value);
    }

    /// <summary>The page from the rows <see cref="ApplyPage"/> returned (up to limit + 1), each mapped to its DTO.</summary>
    public ListPage<TDto> ToPage<TDto>(IReadOnlyList<TEntity> rows, Func<TEntity, TDto> map, long? total = null)
    {
        var hasMore = rows.Count > Limit;
        var data = rows.Take(Limit).Select(map).ToList();
        var cursor = hasMore ? CursorAfter(rows[Limit - 1]) : null;
        return new ListPage<TDto>(data, cursor, hasMore, IncludeTotal ? total : null);
    }

    /// <summary>The cursor of the page that starts after <paramref name="row"/>.</summary>
    public string CursorAfter(TEntity row) =>
        ListCursor.Encode(_spec, [.. _sort.Select(k => k.Field.Read(row!) is { } value ? FieldValues.Format(value) : null)]);

    private static Expression FilterBody(FilterPredicate filter, ParameterExpression entity)
    {
        var member = ListExpressions.Member(filter.Field, entity);
        var value = filter.Values.FirstOrDefault();
        return filter.Op switch
        {
            "eq" => ListExpressions.Equal(member, value!),
            "ne" => Expression.Not(ListExpressions.Equal(member, value!)),
            "gt" => ListExpressions.Compare(filter.Field, member, ExpressionType.GreaterThan, value!),
            "gte" => ListExpressions.Compare(filter.Field, member, ExpressionType.GreaterThanOrEqual, value!),
            "lt" => ListExpressions.Compare(filter.Field, member, ExpressionType.LessThan, value!),
            "lte" => ListExpressions.Compare(filter.Field, member, ExpressionType.LessThanOrEqual, value!),
            "in" => filter.Values.Select(v => ListExpressions.Equal(member, v!)).Aggregate(Expression.OrElse),
            "contains" => ListExpressions.Like(member, (string)value!, prefixOnly: false),
            "startsWith" => ListExpressions.Like(member, (string)value!, prefixOnly: true),
            "isNull" => (bool)value! ? ListExpressions.IsNull(member) : Expression.Not(ListExpressions.IsNull(member)),
            _ => throw new InvalidOperationException($"Unknown operator {filter.Op}."),
        };
    }

    /// <summary>
    /// Rows after the cursor's keys (k1..kn) in the sort order: <c>k1 after v1 OR (k1 = v1 AND (k2 after v2 OR ...))</c>,
    /// with "after" per key direction. Nulls sort last in both directions (see <see cref="Order"/>): after a non-null
    /// value come the greater values and then the nulls; after a null only the other nulls, which the next keys order.
    /// </summary>
    private Expression After(ParameterExpression entity, int index)
    {
        var key = _sort[index];
        var member = ListExpressions.Member(key.Field, entity);
        var value = _after![index];
        Expression beyond;
        Expression same;
        if (value is null)
        {
            beyond = Expression.Constant(false);
            same = ListExpressions.IsNull(member);
        }
        else
        {
            beyond = ListExpressions.Compare(key.Field, member, key.Descending ? ExpressionType.LessThan : ExpressionType.GreaterThan, value);
            if (key.Field.IsNullable)
            {
                beyond = Expression.OrElse(ListExpressions.IsNull(member), beyond);
            }
            same = ListExpressions.Equal(member, value);
        }
        return index == _sort.Count - 1 ? beyond : Expression.OrElse(beyond, Expression.AndAlso(same, After(entity, index + 1)));
    }

    /// <summary>ORDER BY the sort keys; a nullable key is preceded by <c>key IS NULL</c> so nulls come last either way.</summary>
    private IQueryable<TEntity> Order(IQueryable<TEntity> source, ParameterExpression entity)
    {
        var first = true;
        foreach (var key in _sort)
        {
            var member = ListExpressions.Member(key.Field, entity);
            if (key.Field.IsNullable)
            {
                source = OrderBy(source, Expression.Lambda(ListExpressions.IsNull(member), entity), descending: false, first);
                first = false;
            }
            source = OrderBy(source, Expression.Lambda(member, entity), key.Descending, first);
            first = false;
        }
        return source;
    }

    private static IQueryable<TEntity> OrderBy(IQueryable<TEntity> source, LambdaExpression key, bool descending, bool first)
    {
        var method = (first, descending) switch
        {
            (true, false) => nameof(Queryable.OrderBy),
            (true, true) => nameof(Queryable.OrderByDescending),
            (false, false) => nameof(Queryable.ThenBy),
            (false, true) => nameof(Queryable.ThenByDescending),
        };
        var call = Expression.Call(typeof(Queryable), method, [typeof(TEntity), key.ReturnType], source.Expression, Expression.Quote(key));
        return source.Provider.CreateQuery<TEntity>(call);
    }

    private void EnsureValid()
    {
        if (!IsValid)
        {
            throw new InvalidOperationException("The list request is not valid; answer its Errors as a 400.");
        }
    }
}
