using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Export;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Patching;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// The endpoints of one business resource (docs/api.md, "Companies"): list, get, create, batch create, patch,
/// delete and restore, under /api/v1/{plural}. Every resource answers the same statuses, headers and problems;
/// only its <see cref="ResourceDefinition{TEntity, TInput, TResponse}"/> differs.
/// </summary>
public static class ResourceMapping
{
    public static RouteGroupBuilder MapResource<TEntity, TInput, TResponse>(
        this IEndpointRouteBuilder routes, ResourceDefinition<TEntity, TInput, TResponse> resource)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        if (resource.ObjectType is not null && !typeof(ICustomFieldsInput).IsAssignableFrom(typeof(TInput)))
        {
            throw new InvalidOperationException(
                $"{typeof(TInput).Name} must implement {nameof(ICustomFieldsInput)}: {resource.Plural} have an object type, so their custom fields are validated.");
        }
        if (resource.CacheKind is not null && resource.Visibility is not null)
        {
            throw new InvalidOperationException(
                $"{resource.Plural} decide who sees them by Visibility, which a cached read cannot check: set no CacheKind.");
        }
        var handlers = new ResourceEndpoints<TEntity, TInput, TResponse>(resource);
        var (singular, plural) = (resource.EntityType, resource.Plural);
        var group = routes.MapGroup(resource.Route).WithTags(resource.OperationPlural).RequireAuthorization()
            .RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/", handlers.ListAsync)
            .WithName($"List{resource.OperationPlural}")
            .WithSummary($"List {plural}")
            .WithDescription(Sentences(resource.ListDescription, resource.AccessDescription))
            .ProducesValidationProblem();

        group.MapGet("/export", handlers.ExportAsync)
            .WithName($"Export{resource.OperationPlural}")
            .WithSummary($"Export {plural} as CSV")
            .WithDescription("Every row the list's filter, q and sort select (limit and cursor do not apply), streamed as CSV with one column per field of the list's items.")
            .Produces(StatusCodes.Status200OK, contentType: CsvExport.MediaType)
            .ProducesValidationProblem();

        group.MapGet("/{id:guid}", handlers.GetAsync)
            .WithName($"Get{resource.OperationSingular}")
            .WithSummary($"Get a {singular}")
            .WithDescription(Sentences("Answers its ETag, for If-Match on PATCH and DELETE.", resource.AccessDescription))
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", handlers.CreateAsync)
            .WithName($"Create{resource.OperationSingular}")
            .WithSummary($"Create a {singular}")
            .WithDescription(Sentences(resource.OwnershipDescription, "Idempotency-Key replays the first response."))
            .Accepts<TInput>("application/json")
            .Produces<TResponse>(StatusCodes.Status201Created)
            .ProducesCreateProblems(StatusCodes.Status409Conflict);

        group.MapPost("/batch", handlers.CreateBatchAsync)
            .WithName($"Create{resource.OperationPlural}")
            .WithSummary($"Create up to {ResourceRequests.MaxBatchSize} {plural} at once")
            .WithDescription(Sentences(resource.BatchDescription, resource.OwnershipDescription))
            .Accepts(resource.BatchRequestType, "application/json")
            .Produces(StatusCodes.Status200OK, resource.BatchResponseType)
            .ProducesCreateProblems(StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);

        group.MapPatch("/{id:guid}", handlers.PatchAsync)
            .WithName($"Patch{resource.OperationSingular}")
            .WithSummary($"Change a {singular} (JSON merge patch)")
            .WithDescription("Requires If-Match with the ETag read; answers the new ETag.")
            .Accepts<TInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<TResponse>()
            .ProducesPatchProblems(StatusCodes.Status409Conflict);

        group.MapDelete("/{id:guid}", handlers.DeleteAsync)
            .WithName($"Delete{resource.OperationSingular}")
            .WithSummary($"Delete a {singular} (soft)")
            .WithDescription($"Requires If-Match. The {singular} leaves lists and reads until restored.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesDeleteProblems(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/restore", handlers.RestoreAsync)
            .WithName($"Restore{resource.OperationSingular}")
            .WithSummary($"Restore a deleted {singular}")
            .WithDescription(resource.RestoreDescription)
            .Produces<TResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    /// <summary>The non-empty sentences, one space apart.</summary>
    private static string Sentences(params string[] sentences) => string.Join(' ', sentences.Where(s => s.Length > 0));
}
