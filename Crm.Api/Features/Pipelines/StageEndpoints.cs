using Crm.Api.Infrastructure.OpenApi;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Caching;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Pipelines;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Pipelines;

/// <summary>
/// <c>/api/v1/pipelines/{pipelineId}/stages</c>: a pipeline's stages (docs/api.md, "Pipeline stages"). Positions are
/// always 1..n: a stage created or moved to a position pushes the stages from there one down, a deleted one closes
/// its gap. Every change locks the pipeline's row first, so concurrent changes of one pipeline's stages queue.
/// </summary>
internal static class StageEndpoints
{
    public const string EntityType = "pipeline_stage";

    private static readonly UniqueConflict[] Conflicts =
        [new("pipeline_stages_name_unique", "name", "A stage with this name already exists in the pipeline.")];

    public static void MapStageEndpoints(this RouteGroupBuilder pipelines)
    {
        var stages = pipelines.MapGroup("/{pipelineId:guid}/stages");

        stages.MapGet("/", ListAsync)
            .WithName("ListPipelineStages")
            .WithSummary("List a pipeline's stages")
            .WithDescription("The live stages, in position order.")
            .Produces<StageList>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        stages.MapGet("/{stageId:guid}", GetAsync)
            .WithName("GetPipelineStage")
            .WithSummary("Get a stage")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .Produces<StageResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        stages.MapPost("/", CreateAsync)
            .WithName("CreatePipelineStage")
            .WithSummary("Add a stage to a pipeline")
            .WithDescription("At position (default: last); the stages from there on move one down. Idempotency-Key replays the first response.")
            .Accepts<StageInput>("application/json")
            .Produces<StageResponse>(StatusCodes.Status201Created)
            .ProducesCreateProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        stages.MapPatch("/{stageId:guid}", PatchAsync)
            .WithName("PatchPipelineStage")
            .WithSummary("Change a stage (JSON merge patch)")
            .WithDescription("Requires If-Match. A new position reorders the stages; the kind of a stage with deals cannot change (409).")
            .Accepts<StageInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<StageResponse>()
            .ProducesPatchProblems(StatusCodes.Status409Conflict);

        stages.MapDelete("/{stageId:guid}", DeleteAsync)
            .WithName("DeletePipelineStage")
            .WithSummary("Delete a stage (soft)")
            .WithDescription("Requires If-Match. 409 while live deals are in the stage; the stages after it move one up.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesDeleteProblems(StatusCodes.Status409Conflict);
    }

    /// <summary>The live stages of a pipeline, in order.</summary>
    public static IQueryable<PipelineStage> LiveStages(CrmDbContext db, Guid pipelineId) =>
        db.PipelineStages.Where(s => s.PipelineId == pipelineId && s.DeletedAt == null).OrderBy(s => s.Position);

    /// <summary>
    /// Read through the cache (<see cref="CacheKeys.Stages"/>, the pipeline's TTL): stages are workspace configuration
    /// every member sees, and any change of the pipeline or its stages deletes the entry.
    /// </summary>
    private static async Task<IResult> ListAsync(
        Guid pipelineId, [AsParameters] ResourceServices services, [FromServices] RecordCache cache, CancellationToken cancellationToken)
    {
        var list = services.Db.Session.WorkspaceId is { } workspaceId
            ? await cache.GetOrAddAsync(
                CacheKeys.PipelineKind, CacheKeys.Stages(workspaceId, pipelineId), ct => LoadAsync(services.Db, pipelineId, ct),
                services.Json, cancellationToken)
            : await LoadAsync(services.Db, pipelineId, cancellationToken);
        return list is null ? PipelineEndpoints.NotFound() : TypedResults.Ok(list);
    }

    /// <summary>The live stages of a live pipeline, or null when there is no such pipeline.</summary>
    private static async Task<StageList?> LoadAsync(CrmDbContext db, Guid pipelineId, CancellationToken cancellationToken)
    {
        if (!await db.Pipelines.AnyAsync(p => p.Id == pipelineId && p.DeletedAt == null, cancellationToken))
        {
            return null;
        }
        var stages = await LiveStages(db, pipelineId).AsNoTracking().ToListAsync(cancellationToken);
        return new StageList([.. stages.Select(s => s.ToResponse())]);
    }

    private static async Task<IResult> GetAsync(Guid pipelineId, Guid stageId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var stage = await LiveStages(services.Db, pipelineId).AsNoTracking()
            .Where(s => services.Db.Pipelines.Any(p => p.Id == pipelineId && p.DeletedAt == null))
            .FirstOrDefaultAsync(s => s.Id == stageId, cancellationToken);
        if (stage is null)
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(stage.Version);
        return TypedResults.Ok(stage.ToResponse());
    }

    private static async Task<IResult> CreateAsync(Guid pipelineId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!PipelineEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        var post = await ResourceRequests.BeginJsonPostAsync(services, cancellationToken);
        if (post.Answer is { } answer)
        {
            return answer;
        }
        var parsed = MergePatch.Apply(new StageInput(), post.Body!, services.Json);
        var errors = new Dictionary<string, string[]>(parsed.Errors ?? new Dictionary<string, string[]>());
        var input = parsed.Value is { } value ? PipelineValidator.Validate(value, errors) : null;
        if (input is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockStagesAsync(db, pipelineId, cancellationToken) is not { } stages)
        {
            return PipelineEndpoints.NotFound();
        }
        var position = input.Position ?? stages.Count + 1;
        if (position > stages.Count + 1)
        {
            return ResourceRequests.Invalid("position", $"Position must be from 1 to {stages.Count + 1}.");
        }
        var now = services.Clock.GetUtcNow();
        var stage = new PipelineStage
        {
            PipelineId = pipelineId, Name = "", CreatedBy = services.Caller.UserId, CreatedAt = now,
        };
        input.Apply(stage);
        stage.StampUpdate(services.Caller.UserId, now);
        db.PipelineStages.Add(stage);
        stages.Insert(position - 1, stage);
        var audit = services.Audit;
        Renumber(stages, stage, audit, services.Caller.UserId, now);
        audit.Created(EntityType, stage.Id, audit.Snapshot(stage.ToInput()));

        var location = $"{PipelineEndpoints.Resource.Route}/{pipelineId}/stages/{stage.Id}";
        var failed = await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken, beforeCommit: () =>
            post.Key?.Remember(db, StatusCodes.Status201Created, location, stage.ToResponse(), services.Json));
        if (failed is not null)
        {
            return await ResourceRequests.AnswerAsync(failed, post.Key, db, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(stage.Version);
        return TypedResults.Created(location, stage.ToResponse());
    }

    private static async Task<IResult> PatchAsync(Guid pipelineId, Guid stageId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!PipelineEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var (db, request) = (services.Db, services.HttpContext.Request);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stages = await LockStagesAsync(db, pipelineId, cancellationToken);
        if (stages?.FirstOrDefault(s => s.Id == stageId) is not { } stage)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(request, stage.Version) is { } precondition)
        {
            return precondition;
        }
        var before = stage.ToInput();
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = PipelineValidator.Validate(patched.Value!, errors);
        var position = input.Position ?? stage.Position;
        if (position > stages.Count)
        {
            errors["position"] = [$"Position must be from 1 to {stages.Count}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (input.Kind != stage.Kind && await HasDealsAsync(db, stage, cancellationToken))
        {
            return ResourceRequests.Conflict("The stage has deals, whose status follows its kind; move them out before changing it.", "kind");
        }

        var now = services.Clock.GetUtcNow();
        input.Apply(stage);
        stages.Remove(stage);
        stages.Insert(position - 1, stage);
        var audit = services.Audit;
        Renumber(stages, stage, audit, services.Caller.UserId, now);
        if (audit.Updated(EntityType, stage.Id, audit.Snapshot(before), audit.Snapshot(stage.ToInput())))
        {
            stage.StampUpdate(services.Caller.UserId, now);
            if (ETags.TryParseVersion(request, out var expected))
            {
                db.Entry(stage).ExpectVersion(expected);
            }
            if (await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken) is { } failed)
            {
                return failed.Result;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        services.HttpContext.Response.SetETag(stage.Version);
        return TypedResults.Ok(stage.ToResponse());
    }

    private static async Task<IResult> DeleteAsync(Guid pipelineId, Guid stageId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!PipelineEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var stages = await LockStagesAsync(db, pipelineId, cancellationToken);
        if (stages?.FirstOrDefault(s => s.Id == stageId) is not { } stage)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, stage.Version) is { } precondition)
        {
            return precondition;
        }
        if (await HasDealsAsync(db, stage, cancellationToken))
        {
            return ResourceRequests.Conflict("The stage still has deals; move or delete them first.");
        }
        var now = services.Clock.GetUtcNow();
        stage.DeletedAt = now;
        stage.StampUpdate(services.Caller.UserId, now);
        var audit = services.Audit;
        audit.Deleted(EntityType, stage.Id, now);
        stages.Remove(stage);
        Renumber(stages, null, audit, services.Caller.UserId, now);
        if (await ResourceRequests.SaveAsync(db, Conflicts, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Locks the pipeline's row for the transaction, so concurrent changes of its stages queue, then loads its live
    /// stages in order (tracked); null when there is no such live pipeline.
    /// </summary>
    private static async Task<List<PipelineStage>?> LockStagesAsync(CrmDbContext db, Guid pipelineId, CancellationToken cancellationToken)
    {
        // Raw SQL skips the query filter; the row-level security policy still limits it to the session's workspace.
        var locked = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM pipelines WHERE id = {pipelineId} AND deleted_at IS NULL FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken);
        return locked.Count == 0 ? null : await LiveStages(db, pipelineId).ToListAsync(cancellationToken);
    }

    /// <summary>Gives <paramref name="stages"/> positions 1..n in list order; each move of a stage but <paramref name="changed"/> (audited by its caller) is audited here.</summary>
    private static void Renumber(List<PipelineStage> stages, PipelineStage? changed, AuditTrail audit, Guid userId, DateTimeOffset now)
    {
        for (var i = 0; i < stages.Count; i++)
        {
            var stage = stages[i];
            if (stage.Position == i + 1)
            {
                continue;
            }
            if (stage != changed)
            {
                audit.Updated(EntityType, stage.Id, new JsonObject { ["position"] = stage.Position }, new JsonObject { ["position"] = i + 1 });
                stage.StampUpdate(userId, now);
            }
            stage.Position = i + 1;
        }
    }

    /// <summary>Whether any live deal is in the stage, whoever owns it (not only those the caller sees).</summary>
    private static Task<bool> HasDealsAsync(CrmDbContext db, PipelineStage stage, CancellationToken cancellationToken) =>
        db.Deals.AnyAsync(d => d.StageId == stage.Id && d.DeletedAt == null, cancellationToken);

    private static IResult NotFound() => ResourceRequests.NotFound("stage");
}
