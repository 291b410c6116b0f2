using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tasks;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Tasks;

/// <summary>
/// <c>/api/v1/tasks</c> (docs/api.md, "Tasks"): the shared endpoints of <see cref="ResourceMapping.MapResource"/>, and
/// <c>POST /api/v1/tasks/{id}/complete</c>. A task belongs to its assignee: record scope own shows a member their tasks.
/// </summary>
public static class TaskEndpoints
{
    public const string EntityType = "task";

    internal static readonly ResourceDefinition<TaskItem, TaskInput, TaskResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "tasks",
        OperationSingular = "Task",
        OperationPlural = "Tasks",
        ListDescription = "Cursor-paged, soonest due first by default; sort, filter[field][op] and q over the title (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].title).",
        RestoreDescription = "The task returns to lists.",
        Set = db => db.Tasks,
        New = id => new TaskItem { Id = id },
        Listing = TaskListing.Schema,
        ToInput = t => t.ToInput(),
        ToResponse = t => t.ToResponse(),
        Apply = (input, task) => input.Apply(task),
        OwnedByDefault = (input, userId) => input with { AssignedTo = input.AssignedTo ?? userId },
        OwnerField = "assignedTo",
        Validate = TaskValidator.Validate,
        CheckReferences = TaskReferences.CheckAsync,
        AfterApply = TaskCompletion.ApplyAsync,
        Conflicts = [new("tasks_one_next_occurrence", "status", "The task was completed meanwhile: its next occurrence already exists.")],
        BatchRequestType = typeof(TaskBatchRequest),
        BatchResponseType = typeof(TaskBatchResponse),
        ToBatchResponse = responses => new TaskBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource)
            .MapPost("/{id:guid}/complete", CompleteAsync)
            .WithName("CompleteTask")
            .WithSummary("Complete a task")
            .WithDescription("Stamps who completed it and when; a repeating task gets its next occurrence in the same transaction. " +
                             "If-Match is optional here: when sent, a stale one is 412.")
            .Produces<TaskCompletionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return routes;
    }

    /// <summary>The same change as a PATCH of status to completed, without having to send the rest of the task.</summary>
    private static async Task<IResult> CompleteAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var task = await services.Visible(services.Db.Tasks).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (task is null)
        {
            return ResourceRequests.NotFound(EntityType);
        }
        var request = services.HttpContext.Request;
        if (request.Headers.IfMatch.Count > 0 && ETags.PreconditionProblem(request, task.Version) is { } precondition)
        {
            return precondition;
        }
        if (task.Status == TaskItemStatus.Completed)
        {
            return ResourceRequests.Conflict("The task is already completed.", "status");
        }

        var before = task.ToInput();
        task.Status = TaskItemStatus.Completed;
        var next = await TaskCompletion.ApplyAsync(services, task, before, cancellationToken);
        var audit = services.Audit;
        audit.Updated(EntityType, id, audit.Snapshot(before), audit.Snapshot(task.ToInput()));
        task.StampUpdate(services.Caller.UserId, services.Now);
        if (ETags.TryParseVersion(request, out var expected))
        {
            services.Db.Entry(task).ExpectVersion(expected);
        }
        if (await ResourceRequests.SaveAsync(services.Db, Resource.Conflicts, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        services.HttpContext.Response.SetETag(task.Version);
        return TypedResults.Ok(new TaskCompletionResponse(task.ToResponse(), next?.ToResponse()));
    }
}
