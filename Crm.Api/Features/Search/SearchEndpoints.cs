using Crm.Domain;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using System.Text.Json;
using Crm.Api.Infrastructure.Caching;
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
        var serviceKey = ServiceKey.Search.From(builder.Configuration);
        builder.Services.AddHttpClient<SearchServiceClient>(client =>
        {
            client.BaseAddress = SearchServiceClient.BaseAddress;
            if (serviceKey is not null)
            {
                client.DefaultRequestHeaders.Add(ServiceKey.Search.HeaderName, serviceKey);
            }
        });
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
        SearchResultCache cache, CancellationToken cancellationToken)
    {
        var workspaceId = services.Db.Session.WorkspaceId!.Value;
        var owners = await services.Caller.VisibleOwnersAsync(services.Db, cancellationToken);
        var (request, errors) = SearchQueryParser.Parse(services.HttpContext.Request.Query, workspaceId, owners);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The search parameters are not valid.");
        }

        // The request, record scope included, is the cache key: two callers with different scopes never share a result.
        var answer = await cache.GetOrAddAsync(workspaceId, JsonSerializer.Serialize(request),
            ct => AnswerAsync(request, searchService, postgres, ct), cancellationToken);
        if (answer.Errors is not null)
        {
            return TypedResults.ValidationProblem(answer.Errors, title: "The search parameters are not valid.");
        }
        services.HttpContext.Response.Headers[SourceHeader] = answer.Source;
        return TypedResults.Ok(answer.Results);
    }

    /// <summary>Crm.Search's answer, or PostgreSQL's in-process when Crm.Search cannot answer.</summary>
    private static async Task<SearchAnswer> AnswerAsync(
        SearchRequest request, SearchServiceClient searchService, PostgresSearchBackend postgres, CancellationToken cancellationToken)
    {
        var (results, refusal) = await searchService.TrySearchAsync(request, cancellationToken);
        if (refusal is not null)
        {
            return new SearchAnswer(null, null, refusal.Errors);
        }
        if (results is not null)
        {
            return new SearchAnswer(results, "search-service", null);
        }
        try
        {
            return new SearchAnswer(await postgres.SearchAsync(request, cancellationToken), "postgresql-fallback", null);
        }
        catch (ArgumentException e)
        {
            return new SearchAnswer(null, null, SearchQueryParser.ErrorsOf(e));
        }
    }

    /// <summary>What a search answered (cached as a whole): results and where they came from, or validation errors.</summary>
    private sealed record SearchAnswer(SearchResults? Results, string? Source, IDictionary<string, string[]>? Errors);
}
