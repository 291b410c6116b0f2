using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Api.Features.Pipelines;
using Crm.Domain.Pipelines;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Deals;

/// <summary>
/// <c>POST /api/v1/deals/{id}/move</c>: a deal enters another stage (docs/api.md, "Moving a deal"). The target stage
/// sets the deal's status and probability (a won or lost stage closes it today); its WIP limit and required fields
/// must allow the deal in. The stage history row is written by the database with the change.
/// </summary>
internal static class DealMoveEndpoint
{
    public static void MapDealMoveEndpoint(this RouteGroupBuilder deals) =>
        deals.MapPost("/{id:guid}/move", MoveAsync)
            .WithName("MoveDeal")
            .WithSummary("Move a deal to a stage")
            .WithDescription("Body {\"stageId\": …, \"lostReason\"?, \"wonReason\"?}; If-Match optional. 409 when the stage is at its WIP limit; 400 naming the fields the stage requires that the deal lacks. Answers the deal and its new ETag.")
            .Accepts<DealMoveRequest>("application/json")
            .Produces<DealResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<IResult> MoveAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!DealEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var (db, request) = (services.Db, services.HttpContext.Request);
        var body = await ResourceRequests.ReadJsonBodyAsync(request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var parsed = MergePatch.Apply(new DealMoveRequest(), body.Text!, services.Json);
        if (!parsed.IsValid)
        {
            return TypedResults.ValidationProblem(parsed.Errors!);
        }
        if (parsed.Value!.StageId is not { } stageId)
        {
            return ResourceRequests.Invalid("stageId", "Give the stage to move the deal to.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deal = await services.Visible(db.Deals).FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (deal is null)
        {
            return DealEndpoints.NotFound();
        }
        if (request.Headers.IfMatch.Count > 0 && ETags.PreconditionProblem(request, deal.Version) is { } precondition)
        {
            return precondition;
        }
        if (await LockStageAsync(services, stageId, cancellationToken) is not { } stage)
        {
            return ResourceRequests.Invalid("stageId", "No such stage in an active pipeline.");
        }
        if (stage.Id == deal.StageId)
        {
            services.HttpContext.Response.SetETag(deal.Version);
            return TypedResults.Ok(await DealEndpoints.Resource.ToResponseAsync(services, deal, cancellationToken));
        }
        if (await StageWipLimit.RefuseAsync(db, stage, 1, cancellationToken) is { } full)
        {
            return full;
        }

        var audit = services.Audit;
        var before = audit.Snapshot(deal.ToInput());
        deal.LostReason = Clean(parsed.Value.LostReason) ?? deal.LostReason;
        deal.WonReason = Clean(parsed.Value.WonReason) ?? deal.WonReason;
        var errors = DealRequiredFields.MissingOn(deal, stage.RequiredFieldNames())
            .ToDictionary(field => field, _ => new[] { $"Required to enter the stage '{stage.Name}'." });
        if (stage.Kind == StageKind.Lost && deal.LostReason is null)
        {
            errors["lostReason"] = ["A deal moved to a lost stage needs a lostReason (in the body, or already set)."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: $"The deal cannot enter the stage '{stage.Name}'.");
        }

        var now = services.Clock.GetUtcNow();
        deal.PipelineId = stage.PipelineId;
        deal.StageId = stage.Id;
        deal.StageEnteredAt = now;
        deal.Status = StageOutcome.StatusIn(stage);
        deal.Probability = StageOutcome.ProbabilityIn(stage);
        deal.ActualCloseDate = stage.Kind == StageKind.Open ? null : StageOutcome.Today(services.Clock);
        deal.StampUpdate(services.Caller.UserId, now);
        var (oldValues, newValues) = AuditTrail.Changes(before, audit.Snapshot(deal.ToInput()));
        audit.Record(AuditAction.StageChanged, DealEndpoints.EntityType, deal.Id, oldValues, newValues);
        if (ETags.TryParseVersion(request, out var expected))
        {
            db.Entry(deal).ExpectVersion(expected);
        }
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(deal.Version);
        return TypedResults.Ok(await DealEndpoints.Resource.ToResponseAsync(services, deal, cancellationToken));
    }

    /// <summary>
    /// The live stage of an active, live pipeline, its row locked for the transaction so that concurrent moves into it
    /// queue and its WIP limit holds; null when there is none.
    /// </summary>
    private static async Task<PipelineStage?> LockStageAsync(ResourceServices services, Guid stageId, CancellationToken cancellationToken)
    {
        var db = services.Db;
        // Raw SQL skips the query filter; the row-level security policy still limits it to the session's workspace.
        var locked = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM pipeline_stages WHERE id = {stageId} AND deleted_at IS NULL FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken);
        return locked.Count == 0 ? null : await db.PipelineStages.AsNoTracking()
            .Where(s => s.Id == stageId && db.Pipelines.Any(p => p.Id == s.PipelineId && p.DeletedAt == null && p.IsActive))
            .FirstOrDefaultAsync(cancellationToken);
    }
}
