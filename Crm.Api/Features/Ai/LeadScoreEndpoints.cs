using System.Text.Json.Nodes;
using Crm.Api.Features.Leads;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>
/// A lead's current score as the AI worker explains it. <c>Factors</c> are the strongest reasons each way in plain
/// words with the points they move the score ("3 meetings held": +18); <c>Status</c> is "scored", or "not-scored"
/// while the worker has not scored the lead yet (then Score is the lead's stored score and there are no factors).
/// </summary>
public sealed record LeadScoreResponse(
    Guid LeadId, int Score, decimal? Confidence, string? Model, Guid? ModelId, JsonNode Factors, DateTimeOffset? PredictedAt, string Status);

/// <summary>A trained model and its held-out metrics (AUC, log loss, Brier score, calibration, and what it was compared with).</summary>
public sealed record AiModelResponse(
    Guid Id, AiModelType ModelType, int Version, AiAlgorithm Algorithm, AiModelStatus Status, JsonNode Features, JsonNode Metrics,
    int TrainingRows, string? Notes, DateTimeOffset? TrainedAt, DateTimeOffset? DeployedAt, DateTimeOffset? RetiredAt);

/// <summary><c>GET /api/v1/leads/{id}/score</c> and <c>GET /api/v1/ai/models</c> (docs/api.md, "AI").</summary>
public static class LeadScoreEndpoints
{
    public static IEndpointRouteBuilder MapLeadScoreEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/leads/{id:guid}/score", ScoreAsync)
            .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
            .WithName("GetLeadScore")
            .WithSummary("A lead's score, confidence and the reasons behind it")
            .WithDescription("Score 0-100 and confidence 0-1 from the workspace's deployed model, or from its scoring rules and engagement until " +
                             "one is trained; factors are the top positive and negative reasons in plain words with their points.")
            .Produces<LeadScoreResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/v1/ai/models", ModelsAsync)
            .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
            .WithName("ListAiModels")
            .WithSummary("The workspace's trained models, newest first, with their held-out metrics")
            .Produces<IReadOnlyList<AiModelResponse>>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return routes;
    }

    private static async Task<IResult> ScoreAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var lead = await LeadEndpoints.Resource.Visible(services).AsNoTracking()
            .Select(l => new { l.Id, l.Score, l.ScoreUpdatedAt })
            .FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return ResourceRequests.NotFound(LeadEndpoints.EntityType);
        }
        var prediction = await services.Db.AiPredictions.AsNoTracking()
            .FirstOrDefaultAsync(p => p.EntityType == LeadEndpoints.EntityType && p.EntityId == id && p.PredictionType == PredictionType.LeadScore, cancellationToken);
        return TypedResults.Ok(prediction is null
            ? new LeadScoreResponse(id, lead.Score, null, null, null, new JsonArray(), lead.ScoreUpdatedAt, "not-scored")
            : new LeadScoreResponse(id, (int)prediction.Score, prediction.Confidence, prediction.Model, prediction.ModelId,
                JsonNode.Parse(prediction.Factors)!, prediction.PredictedAt, "scored"));
    }

    private static async Task<IResult> ModelsAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var models = await services.Db.AiModels.AsNoTracking()
            .OrderBy(m => m.ModelType).ThenByDescending(m => m.Version)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(models.Select(m => new AiModelResponse(
            m.Id, m.ModelType, m.Version, m.Algorithm, m.Status, JsonNode.Parse(m.Features)!, JsonNode.Parse(m.Metrics)!, m.TrainingRows,
            m.Notes, m.TrainedAt, m.DeployedAt, m.RetiredAt)).ToList());
    }
}
