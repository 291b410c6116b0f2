using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>The one call a list endpoint makes: <c>return await db.Teams.ToListResultAsync(Schema, query, ToDto, ct);</c></summary>
public static class ListingQueryableExtensions
{
    /// <summary>
    /// The page for <paramref name="query"/>, or a 400 ValidationProblem naming each bad parameter;
    /// <paramref name="related"/> are the filters offered besides the schema's fields (<see cref="RelatedFilter"/>).
    /// </summary>
    public static async Task<Results<Ok<ListPage<TDto>>, ValidationProblem>> ToListResultAsync<TEntity, TDto>(
        this IQueryable<TEntity> source, ListingSchema<TEntity> schema, ListQuery query, Func<TEntity, TDto> map,
        CancellationToken cancellationToken = default, IReadOnlyList<RelatedFilter>? related = null)
    {
        var plan = schema.Plan(query, related);
        if (!plan.IsValid)
        {
            return TypedResults.ValidationProblem(plan.Errors, title: "The list parameters are not valid.");
        }
        return TypedResults.Ok(await source.ToListPageAsync(plan, map, cancellationToken));
    }

    /// <summary>Runs a valid <paramref name="plan"/>: the page query, and the count when it was asked for.</summary>
    public static async Task<ListPage<TDto>> ToListPageAsync<TEntity, TDto>(
        this IQueryable<TEntity> source, ListPlan<TEntity> plan, Func<TEntity, TDto> map, CancellationToken cancellationToken = default)
    {
        var rows = await plan.ApplyPage(source).ToListAsync(cancellationToken);
        long? total = plan.IncludeTotal ? await plan.ApplyFilters(source).LongCountAsync(cancellationToken) : null;
        return plan.ToPage(rows, map, total);
    }
}
