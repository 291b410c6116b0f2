using Crm.Domain.Search;

namespace Crm.Search.Features.Query;

public static class SearchServiceKeyFilter
{
    /// <summary>
    /// Answers 401 to a request without this deployment's <see cref="SearchServiceKey"/> (<paramref name="expected"/>,
    /// computed once at start; null checks nothing): Crm.Search trusts the workspace and record scope it is given, so
    /// only the app's own services may ask.
    /// </summary>
    public static RouteGroupBuilder RequireSearchServiceKey(this RouteGroupBuilder group, string? expected)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            if (expected is not null && !SearchServiceKey.Matches(expected, context.HttpContext.Request.Headers[SearchServiceKey.HeaderName]))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: $"Crm.Search answers the app's services only: send the {SearchServiceKey.HeaderName} header.");
            }
            return await next(context);
        });
        return group;
    }
}
