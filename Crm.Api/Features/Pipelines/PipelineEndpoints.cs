using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Caching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Pipelines;

/// <summary>
/// <c>/api/v1/pipelines</c> (docs/api.md, "Pipelines"): the shared endpoints of <see cref="ResourceMapping.MapResource"/>,
/// its stages as a sub-resource (<see cref="StageEndpoints"/>) and its board (<see cref="BoardEndpoint"/>). Pipelines
/// are workspace configuration: every member reads them whatever their record scope; owners, admins and managers
/// change them.
/// </summary>
public static class PipelineEndpoints
{
    public const string EntityType = "pipeline";

    internal static readonly ResourceDefinition<Pipeline, PipelineInput, PipelineResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "pipelines",
        OperationSingular = "Pipeline",
        OperationPlural = "Pipelines",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\"). Default order: displayOrder, name.",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "409 when a live pipeline has taken its name, or its default flag, meanwhile.",
        Set = db => db.Pipelines,
        New = id => new Pipeline { Id = id, Name = "" },
        Listing = PipelineListing.Schema,
        ToInput = p => p.ToInput(),
        ToResponse = p => p.ToResponse(),
        Apply = (input, pipeline) => input.Apply(pipeline),
        OwnedByDefault = (input, _) => input,
        Validate = PipelineValidator.Validate,
        CheckReferences = (_, _, _, _) => Task.CompletedTask,
        CheckDelete = RefuseWhileItHasDealsAsync,
        Conflicts =
        [
            new("pipelines_name_unique", "name", "A pipeline with this name already exists in the workspace."),
            new("pipelines_one_default", "isDefault", "Another pipeline is the workspace's default; unset its isDefault first."),
        ],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(PipelineBatchRequest),
        BatchResponseType = typeof(PipelineBatchResponse),
        ToBatchResponse = responses => new PipelineBatchResponse(responses),
        WorkspaceWide = true,
        CacheKind = CacheKeys.PipelineKind,
        WritePermission = Permission.ConfigurationManage,
    };

    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder routes)
    {
        var pipelines = routes.MapResource(Resource);
        pipelines.MapStageEndpoints();
        pipelines.MapBoardEndpoint();
        return routes;
    }

    /// <summary>The 404 of a pipeline that is not there (or is another workspace's).</summary>
    internal static IResult NotFound() => ResourceRequests.NotFound(EntityType);

    /// <summary>A pipeline with live deals stays: its deals would be left in a pipeline nobody sees.</summary>
    private static async Task<IResult?> RefuseWhileItHasDealsAsync(ResourceServices services, Pipeline pipeline, CancellationToken cancellationToken)
    {
        var deals = await services.Db.Deals.CountAsync(d => d.PipelineId == pipeline.Id && d.DeletedAt == null, cancellationToken);
        return deals == 0 ? null : ResourceRequests.Conflict($"The pipeline still has {deals} deal(s); move or delete them first.");
    }
}
