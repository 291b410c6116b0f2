using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Search;

namespace Crm.Api.Features.Search;

/// <summary>
/// <c>GET /api/v1/search</c> (docs/api.md, "Search"): one box over contacts, companies, leads, deals, activities and notes
/// of the caller's workspace, within their record scope. Answered by Crm.Search; by PostgreSQL in-process when Crm.Search
/// is down (the response's X-Search-Source header says which).
/// </summary>
public static class SearchEndpoints
{
    public const string SourceHeader = "X-Search-Source";

    public static IHostApplicationBuilder AddCrmSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<SearchServiceClient>(client => client.BaseAddress = SearchServiceClient.BaseAddress);
        builder.Services.AddSingleton<PostgresSearchBackend>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/search", SearchAsync)
            .WithTags("Search").RequireAuthorization().RequireCurrentMembership()
            .WithName("Search")
            .WithSummary("Searches the workspace's records")
            .WithDescription("q: what the user typed (typos and prefixes are fine: \"jonh smi\", \"acm\"); types: a comma-separated subset of " +
                             "contact, company, lead, deal, activity, note; filter[owner], filter[stage], filter[tags] (comma-separated, all must match); " +
                             "limit (1-50, default 20) and cursor (the previous page's nextCursor). Hits are best first with <mark>-highlighted, " +
                             "HTML-escaped fragments; facets count everything matched by type, owner, stage and tags.")
            .Produces<SearchResults>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<IResult> SearchAsync(
        [AsParameters] ResourceServices services, SearchServiceClient searchService, PostgresSearchBackend postgres,
        CancellationToken cancellationToken)
    {
        var workspaceId = services.Db.Session.WorkspaceId!.Value;
        var owners = await services.Caller.VisibleOwnersAsync(services.Db, cancellationToken);
        var (request, errors) = SearchQueryParser.Parse(services.HttpContext.Request.Query, workspaceId, owners);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The search parameters are not valid.");
        }

        var (results, refusal) = await searchService.TrySearchAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return TypedResults.ValidationProblem(refusal.Errors, title: "The search parameters are not valid.");
        }
        services.HttpContext.Response.Headers[SourceHeader] = results is null ? "postgresql-fallback" : "search-service";
        try
        {
            return TypedResults.Ok(results ?? await postgres.SearchAsync(request, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(SearchQueryParser.ErrorsOf(e), title: "The search parameters are not valid.");
        }
    }
}
