using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Persistence;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Domain.Tags;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Tags;

/// <summary>
/// The tags of one record, for every object type of <see cref="ObjectTypes"/> (docs/api.md, "Tags"):
/// <c>GET /api/v1/{plural}/{id}/tags</c>, and <c>PUT</c> / <c>DELETE /api/v1/{plural}/{id}/tags/{tagId}</c>, both
/// idempotent. The record must be a live one the caller sees and the tag a live one of the workspace (404 otherwise,
/// also for another workspace's ids); tagging and untagging write an audit row on the record.
/// </summary>
internal static class RecordTagEndpoints
{
    public static void MapRecordTags(this IEndpointRouteBuilder routes, ObjectTypeEntry objectType)
    {
        var group = routes.MapGroup($"{objectType.Route}/{{id:guid}}/tags").WithTags(objectType.OperationPlural).RequireAuthorization()
            .RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/", (Guid id, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
                ListAsync(objectType, id, query, services, cancellationToken))
            .WithName($"List{objectType.OperationSingular}Tags")
            .WithSummary($"List the tags of a {objectType.Noun}")
            .WithDescription("Its live tags, cursor-paged, sorted, filtered and searched like GET /api/v1/tags.")
            .Produces<ListPage<TagResponse>>()
            .ProducesValidationProblem();

        group.MapPut("/{tagId:guid}", (Guid id, Guid tagId, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
                TagAsync(objectType, id, tagId, services, cancellationToken))
            .WithName($"Tag{objectType.OperationSingular}")
            .WithSummary($"Put a tag on a {objectType.Noun}")
            .WithDescription("Idempotent: 204 whether the tag was on it already or not; an audit row (action tagged) when it was not.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapDelete("/{tagId:guid}", (Guid id, Guid tagId, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
                UntagAsync(objectType, id, tagId, services, cancellationToken))
            .WithName($"Untag{objectType.OperationSingular}")
            .WithSummary($"Take a tag off a {objectType.Noun}")
            .WithDescription("Idempotent: 204 whether the tag was on it or not; an audit row (action untagged) when it was.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ListAsync(
        ObjectTypeEntry objectType, Guid id, ListQuery query, ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await objectType.IsVisibleAsync(services, id, cancellationToken))
        {
            return ResourceRequests.NotFound(objectType.Noun);
        }
        var page = await RecordTags.On(services.Db, objectType.Type, id).AsNoTracking()
            .ToListResultAsync(TagListing.Schema, query, TagMapping.ToResponse, cancellationToken);
        return page.Result;
    }

    private static async Task<IResult> TagAsync(
        ObjectTypeEntry objectType, Guid id, Guid tagId, ResourceServices services, CancellationToken cancellationToken)
    {
        var (problem, tag) = await FindTagAsync(objectType, id, tagId, services, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var db = services.Db;
        if (await TaggingOf(objectType, id, tagId, services).AnyAsync(cancellationToken))
        {
            return TypedResults.NoContent();
        }
        db.Taggings.Add(new Tagging { TagId = tagId, EntityType = objectType.Type, EntityId = id, CreatedBy = services.Caller.UserId });
        services.Audit.Record(AuditAction.Tagged, objectType.Noun, id, null, Describe(tag!));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation("taggings_unique"))
        {
            // A concurrent request put the same tag on: the outcome this one asked for.
            db.ChangeTracker.Clear();
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> UntagAsync(
        ObjectTypeEntry objectType, Guid id, Guid tagId, ResourceServices services, CancellationToken cancellationToken)
    {
        var (problem, tag) = await FindTagAsync(objectType, id, tagId, services, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        var db = services.Db;
        var tagging = await TaggingOf(objectType, id, tagId, services).FirstOrDefaultAsync(cancellationToken);
        if (tagging is null)
        {
            return TypedResults.NoContent();
        }
        db.Taggings.Remove(tagging);
        services.Audit.Record(AuditAction.Untagged, objectType.Noun, id, Describe(tag!), null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A concurrent request took the tag off first: the outcome this one asked for.
            db.ChangeTracker.Clear();
        }
        return TypedResults.NoContent();
    }

    /// <summary>The tag, or the problem when the caller may not tag or the record or tag is not there for them.</summary>
    private static async Task<(IResult? Problem, Tag? Tag)> FindTagAsync(
        ObjectTypeEntry objectType, Guid id, Guid tagId, ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return (CallerAccess.ReadOnly(), null);
        }
        if (!await objectType.IsVisibleAsync(services, id, cancellationToken))
        {
            return (ResourceRequests.NotFound(objectType.Noun), null);
        }
        var tag = await RecordTags.LiveTags(services.Db).AsNoTracking().FirstOrDefaultAsync(t => t.Id == tagId, cancellationToken);
        return tag is null ? (ResourceRequests.NotFound(TagEndpoints.EntityType), null) : (null, tag);
    }

    private static IQueryable<Tagging> TaggingOf(ObjectTypeEntry objectType, Guid id, Guid tagId, ResourceServices services) =>
        services.Db.Taggings.Where(g => g.TagId == tagId && g.EntityType == objectType.Type && g.EntityId == id);

    private static JsonObject Describe(Tag tag) => new() { ["tagId"] = tag.Id, ["tagName"] = tag.Name };
}
