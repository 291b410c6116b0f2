using Crm.Domain.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Search.Features.Query;

/// <summary>
/// The query API Crm.Api calls for its callers (GET /api/v1/search): one workspace per request, with the caller's record
/// scope. Internal: Crm.Search is not exposed outside the app's network (docs/architecture.md).
/// </summary>
public static class SearchEndpoints
{
    /// <summary>Query parameter: the workspace searched.</summary>
    public const string WorkspaceParameter = "workspace";

    /// <summary>Query parameter: "all", or the comma-separated owners whose records the caller may see.</summary>
    public const string OwnersParameter = "owners";

    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/search", SearchAsync)
            .WithName("Search")
            .WithSummary("Searches one workspace's contacts, companies, leads, deals, activities and notes.");
        return app;
    }

    private static async Task<Results<Ok<SearchResults>, ValidationProblem>> SearchAsync(
        HttpRequest request, ISearchBackend backend, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Guid.TryParse(request.Query[WorkspaceParameter], out var workspaceId))
        {
            errors[WorkspaceParameter] = ["workspace (a UUID) is required."];
        }
        var owners = ParseOwners(request.Query[OwnersParameter].ToString(), errors);
        var (search, queryErrors) = SearchQueryParser.Parse(request.Query, workspaceId, owners);
        foreach (var (name, messages) in queryErrors)
        {
            errors[name] = messages;
        }
        if (errors.Count > 0 || search is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        try
        {
            return TypedResults.Ok(await backend.SearchAsync(search, cancellationToken));
        }
        catch (ArgumentException e)
        {
            // A cursor the backend did not write, or a request it cannot serve: the caller's mistake.
            return TypedResults.ValidationProblem(SearchQueryParser.ErrorsOf(e));
        }
    }

    /// <summary>
    /// The record scope: "all" is null (every record), else the listed owners. Required: a caller that forgets it must
    /// not see every record.
    /// </summary>
    private static Guid[]? ParseOwners(string value, Dictionary<string, string[]> errors)
    {
        if (value == "all")
        {
            return null;
        }
        var owners = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = owners.Select(o => Guid.TryParse(o, out var id) ? id : (Guid?)null).ToArray();
        if (value.Length == 0 || ids.Any(id => id is null))
        {
            errors[OwnersParameter] = ["owners is \"all\" or the comma-separated ids of the owners whose records the caller may see."];
            return [];
        }
        return ids.Select(id => id!.Value).ToArray();
    }
}
