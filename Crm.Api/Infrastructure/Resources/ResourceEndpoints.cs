using Crm.Api.Infrastructure.Caching;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Export;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// The handlers <see cref="ResourceMapping.MapResource"/> maps for one resource: reads and changes here, creates in
/// ResourceEndpoints.Create.cs. Another workspace's records, and those outside the caller's record scope, answer 404
/// like missing ones.
/// </summary>
internal sealed partial class ResourceEndpoints<TEntity, TInput, TResponse>(ResourceDefinition<TEntity, TInput, TResponse> resource)
    where TEntity : class, IBusinessRecord
    where TInput : class, new()
    where TResponse : notnull
{
    public async Task<Results<Ok<ListPage<TResponse>>, ValidationProblem>> ListAsync(
        ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var listed = await Visible(services).AsNoTracking().ToListResultAsync(
            resource.Listing, query, record => record, cancellationToken,
            resource.ObjectType is { } objectType ? [RecordTags.Filter(services.Db, objectType)] : null);
        if (listed.Result is not Ok<ListPage<TEntity>> { Value: { } page })
        {
            return (ValidationProblem)listed.Result;
        }
        var data = await resource.ToResponsesAsync(services, page.Data, cancellationToken);
        return TypedResults.Ok(new ListPage<TResponse>(data, page.NextCursor, page.HasMore, page.Total));
    }

    public Task<IResult> ExportAsync(ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
        Visible(services).AsNoTracking().ExportCsvAsync(
            services.HttpContext, resource.Listing, query, page => resource.ToResponsesAsync(services, page, cancellationToken),
            services.Json, services.Clock, cancellationToken);

    public async Task<Results<Ok<TResponse>, ProblemHttpResult>> GetAsync(
        Guid id, [AsParameters] ResourceServices services, [FromServices] RecordCache cache, CancellationToken cancellationToken)
    {
        if (resource.CacheKind is { } kind && services.Db.Session.WorkspaceId is { } workspaceId)
        {
            return await GetCachedAsync(kind, workspaceId, id, services, cache, cancellationToken);
        }
        var record = await Visible(services).AsNoTracking().FirstOrDefaultAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken);
        if (record is null)
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(record.Version);
        return TypedResults.Ok(await resource.ToResponseAsync(services, record, cancellationToken));
    }

    /// <summary>
    /// GET through the cache: the entry is the record as the workspace sees it (cached whoever asked first), so the
    /// caller's record scope is checked here on every read, a hit included; a record they may not see answers 404
    /// exactly as without the cache.
    /// </summary>
    private async Task<Results<Ok<TResponse>, ProblemHttpResult>> GetCachedAsync(
        string kind, Guid workspaceId, Guid id, ResourceServices services, RecordCache cache, CancellationToken cancellationToken)
    {
        var entry = await cache.GetOrLoadAsync(kind, workspaceId, id, async ct =>
        {
            // The workspace's live record (query filter and RLS), before record scope.
            var record = await resource.Set(services.Db).AsNoTracking().Where(ResourceRecords.IsLive<TEntity>())
                .FirstOrDefaultAsync(ResourceRecords.HasId<TEntity>(id), ct);
            return record is null
                ? null
                : new CachedRecord<TResponse>(await resource.ToResponseAsync(services, record, ct), record.Version, record.OwnerId);
        }, services.Json, cancellationToken);
        if (entry is null || !await MaySeeAsync(services, id, entry.OwnerId, cancellationToken))
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(entry.Version);
        return TypedResults.Ok(entry.Response);
    }

    /// <summary>
    /// Whether the caller's record scope covers a record of the workspace with this owner: as <see cref="Visible"/>
    /// decides it, in memory for scopes all and own, by the database for scope team (teams change without the record).
    /// </summary>
    private async Task<bool> MaySeeAsync(ResourceServices services, Guid id, Guid? ownerId, CancellationToken cancellationToken)
    {
        var caller = services.Caller;
        if (resource.WorkspaceWide || caller.Scope == RecordScope.All)
        {
            return true;
        }
        return caller.Scope == RecordScope.Own
            ? ownerId == caller.UserId
            : await Visible(services).AnyAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken);
    }

    public async Task<IResult> PatchAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var request = services.HttpContext.Request;
        var record = await Visible(services).FirstOrDefaultAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken);
        if (record is null)
        {
            return NotFound();
        }
        if (resource.RefuseChange?.Invoke(services.Caller, record) is { } refused)
        {
            return refused;
        }
        if (ETags.PreconditionProblem(request, record.Version) is { } precondition)
        {
            return precondition;
        }
        if (resource.RefusePatch?.Invoke(record) is { } unchangeable)
        {
            return unchangeable;
        }

        var before = resource.ToInput(record);
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = resource.Validate(patched.Value!, errors, "");
        await resource.CheckCustomFieldsAsync(services, [(input, "", before)], errors, cancellationToken);
        input = (await CheckAsync(services, [(input, "", id)], errors, cancellationToken))[0].Input;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (await resource.ChangeAsync(services, record, input, cancellationToken))
        {
            if (ETags.TryParseVersion(request, out var expected))
            {
                services.Db.Entry(record).ExpectVersion(expected);
            }
            if (await SaveAsync(services, cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        services.HttpContext.Response.SetETag(record.Version);
        return TypedResults.Ok(await resource.ToResponseAsync(services, record, cancellationToken));
    }

    public async Task<IResult> DeleteAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var record = await Visible(services).FirstOrDefaultAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken);
        if (record is null)
        {
            return NotFound();
        }
        if (resource.RefuseChange?.Invoke(services.Caller, record) is { } refused)
        {
            return refused;
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, record.Version) is { } precondition)
        {
            return precondition;
        }
        if (resource.CheckDelete is not null && await resource.CheckDelete(services, record, cancellationToken) is { } conflict)
        {
            return conflict;
        }
        var now = services.Clock.GetUtcNow();
        record.DeletedAt = now;
        record.StampUpdate(services.Caller.UserId, now);
        services.Audit.Deleted(resource.EntityType, id, now);
        if (await SaveAsync(services, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        return TypedResults.NoContent();
    }

    public async Task<IResult> RestoreAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var record = await resource.Scoped(services).Where(ResourceRecords.IsDeleted<TEntity>())
            .FirstOrDefaultAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken);
        if (record is null)
        {
            return NotFound();
        }
        if (resource.RefuseChange?.Invoke(services.Caller, record) is { } refused)
        {
            return refused;
        }
        services.Audit.Restored(resource.EntityType, id, record.DeletedAt!.Value);
        record.DeletedAt = null;
        record.StampUpdate(services.Caller.UserId, services.Clock.GetUtcNow());
        if (await SaveAsync(services, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        services.HttpContext.Response.SetETag(record.Version);
        return TypedResults.Ok(await resource.ToResponseAsync(services, record, cancellationToken));
    }

    private IQueryable<TEntity> Visible(ResourceServices services) => resource.Visible(services);

    /// <summary>Completes the validated inputs (when the resource does) and checks the ids they name; answers the completed inputs.</summary>
    private async Task<IReadOnlyList<(TInput Input, string Prefix, Guid Id)>> CheckAsync(
        ResourceServices services, IReadOnlyList<(TInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        if (resource.Complete is not null)
        {
            var completed = await resource.Complete(services, items, errors, cancellationToken);
            items = [.. items.Select((item, i) => (completed[i], item.Prefix, item.Id))];
        }
        await resource.CheckReferences(services, items, errors, cancellationToken);
        return items;
    }

    /// <summary>Saves the request's changes (the record, its audit rows, the idempotency key) in one transaction.</summary>
    private Task<SaveFailure?> SaveAsync(ResourceServices services, CancellationToken cancellationToken, Action? beforeCommit = null) =>
        ResourceRequests.SaveAsync(services.Db, resource.Conflicts, cancellationToken, beforeCommit);

    private ProblemHttpResult NotFound() => ResourceRequests.NotFound(resource.EntityType);
}
