using Crm.Domain.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Search.Features.Indexing;

/// <summary>Operating the index: a full rebuild with progress, and the consistency check of a workspace.</summary>
public static class IndexEndpoints
{
    public static IEndpointRouteBuilder MapIndexEndpoints(this IEndpointRouteBuilder app)
    {
        var index = app.MapGroup("/index");
        index.MapPost("/rebuild", StartRebuild)
            .WithSummary("Rebuilds the whole index from the records in the background; 409 if a rebuild is running.");
        index.MapGet("/rebuild", (SearchIndexMaintenance maintenance) => TypedResults.Ok(maintenance.Status))
            .WithSummary("The running or last rebuild: state, documents written, start and end.");
        index.MapGet("/check", CheckAsync)
            .WithSummary("Compares a workspace's index with its records: missing, stale and orphaned documents.");
        return app;
    }

    private static Results<Accepted<RebuildStatus>, ProblemHttpResult> StartRebuild(
        SearchIndexMaintenance maintenance, IHostApplicationLifetime lifetime) =>
        maintenance.TryStartRebuild(lifetime.ApplicationStopping)
            ? TypedResults.Accepted("/index/rebuild", maintenance.Status)
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A rebuild is running",
                detail: "Follow it at GET /index/rebuild; start another once it has finished.");

    private static async Task<Results<Ok<DriftReport>, ValidationProblem>> CheckAsync(
        string? workspace, SearchIndexMaintenance maintenance, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(workspace, out var workspaceId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["workspace"] = ["workspace (a UUID) is required."] });
        }
        var drift = await maintenance.CheckAsync(workspaceId, cancellationToken);
        return TypedResults.Ok(new DriftReport(drift.WorkspaceId, drift.InSync, drift.Records,
            drift.Missing.Count, drift.Stale.Count, drift.Orphaned.Count,
            drift.Missing.Concat(drift.Stale).Concat(drift.Orphaned).Take(100).ToList()));
    }

    /// <summary>The check's counts, with up to 100 of the keys that differ.</summary>
    public sealed record DriftReport(Guid WorkspaceId, bool InSync, long Records, int Missing, int Stale, int Orphaned, IReadOnlyList<SearchKey> Examples);
}
