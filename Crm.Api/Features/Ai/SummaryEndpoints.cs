using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>
/// A record's timeline summary. <c>Method</c>: llm or extractive; <c>KeyFacts</c>: amounts, dates, decisions and next
/// steps; <c>Stale</c>: true when the timeline changed since it was written (the language model failed and a retry is
/// queued, or the AI worker could not be asked); <c>Source</c>: cached, generated, stale, extractive-fallback, or stored
/// (read by the API itself because the AI worker did not answer).
/// </summary>
public sealed record RecordSummary(
    string EntityType, Guid EntityId, string Summary, IReadOnlyList<string> KeyFacts, IReadOnlyList<string> Keyphrases,
    SummaryMethod Method, string Model, int TimelineEntries, DateTimeOffset GeneratedAt, bool Stale, string Source);

/// <summary><c>GET /api/v1/{contacts|companies|deals|leads}/{id}/summary</c> (docs/api.md, "AI").</summary>
public static class SummaryEndpoints
{
    public static IEndpointRouteBuilder MapSummaryEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (plural, type) in SemanticSearchEndpoints.RecordRoutes)
        {
            routes.MapGet($"/api/v1/{plural}/{{id:guid}}/summary",
                    (Guid id, [AsParameters] ResourceServices services, AiWorkerClient aiWorker, CancellationToken cancellationToken) =>
                        SummaryAsync(type, id, services, aiWorker, cancellationToken))
                .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
                .WithName($"Summarize{char.ToUpperInvariant(type[0])}{type[1..]}")
                .WithSummary($"A summary of the {type}'s timeline: activities, notes, deals and stage changes")
                .WithDescription("Written by the configured language model, or extractively (TextRank) without one; cached until the timeline " +
                                 "changes. When the AI worker cannot answer, the last stored summary is returned marked stale; 503 when there is none.")
                .Produces<RecordSummary>()
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        }
        return routes;
    }

    private static async Task<IResult> SummaryAsync(
        string entityType, Guid id, ResourceServices services, AiWorkerClient aiWorker, CancellationToken cancellationToken)
    {
        if (!await SemanticSearchEndpoints.IsVisibleAsync(entityType, id, services, cancellationToken))
        {
            return ResourceRequests.NotFound(entityType);
        }
        if (await aiWorker.TrySummaryAsync(services.Db.Session.WorkspaceId!.Value, entityType, id, cancellationToken) is { } fresh)
        {
            return TypedResults.Ok(fresh);
        }
        var stored = await services.Db.AiSummaries.AsNoTracking()
            .FirstOrDefaultAsync(s => s.EntityType == entityType && s.EntityId == id, cancellationToken);
        if (stored is null)
        {
            services.HttpContext.Response.Headers.RetryAfter = "30";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Summary not available yet",
                detail: "The AI worker could not be reached and this record has no stored summary yet; try again shortly.");
        }
        return TypedResults.Ok(new RecordSummary(
            stored.EntityType, stored.EntityId, stored.Summary,
            System.Text.Json.JsonSerializer.Deserialize<string[]>(stored.KeyFacts) ?? [],
            System.Text.Json.JsonSerializer.Deserialize<string[]>(stored.Keyphrases) ?? [],
            stored.Method, stored.Model, stored.TimelineEntries, stored.GeneratedAt, Stale: true, "stored"));
    }
}
