using Crm.Api.Infrastructure.CustomFields;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// What a resource's endpoints do to its records, also for actions that read or make another resource's records (a
/// lead's conversion makes a contact exactly as <c>POST /contacts</c> would): the records the caller sees, a new record
/// with its audit row, a change with the audit row of what differs. The changes are saved by the caller's SaveChanges,
/// so an action's records, audit rows and idempotency key commit together or not at all.
/// </summary>
public static class ResourceOperations
{
    /// <summary>The live records the caller sees: of their record scope, or all of them for workspace configuration.</summary>
    public static IQueryable<TEntity> Visible<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull =>
        resource.Scoped(services).Where(ResourceRecords.IsLive<TEntity>());

    /// <summary>Adds a new record, made by the caller from a validated input (and its AfterApply), with its audit row.</summary>
    public static async Task<TEntity> AddNewAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services, TInput input, Guid id,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        var record = resource.New(id);
        resource.Apply(input, record);
        await resource.AfterApplyAsync(services, record, null, cancellationToken);
        resource.Set(services.Db).Add(record);
        record.CreatedBy = services.Caller.UserId;
        record.StampUpdate(services.Caller.UserId);
        services.Audit.Created(resource.EntityType, record.Id, services.Audit.Snapshot(resource.ToInput(record)));
        return record;
    }

    /// <summary>
    /// Applies a validated input to a record, with an audit row of the fields that differ, stamped as the caller's
    /// change. False, and nothing recorded, when no field differs.
    /// </summary>
    public static async Task<bool> ChangeAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services, TEntity record, TInput input,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        var before = resource.ToInput(record);
        resource.Apply(input, record);
        await resource.AfterApplyAsync(services, record, before, cancellationToken);
        var audit = services.Audit;
        if (!audit.Updated(resource.EntityType, record.Id, audit.Snapshot(before), audit.Snapshot(resource.ToInput(record))))
        {
            return false;
        }
        record.StampUpdate(services.Caller.UserId, services.Clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Validates and normalizes the inputs' custom fields against the workspace's definitions of the resource's object
    /// type, loaded once for all of them; <c>Before</c> is the record's input before a change (null for a new record).
    /// Nothing to do for a resource without an object type.
    /// </summary>
    public static async Task CheckCustomFieldsAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services,
        IReadOnlyList<(TInput Input, string Prefix, TInput? Before)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        if (resource.ObjectType is not { } objectType || items.Count == 0)
        {
            return;
        }
        var schema = await CustomFieldSchema.LoadAsync(services.Db, objectType, resource.Plural, cancellationToken);
        foreach (var (input, prefix, before) in items)
        {
            schema.Check(((ICustomFieldsInput)input).CustomFields, (before as ICustomFieldsInput)?.CustomFields, errors, prefix);
        }
    }

    /// <summary>
    /// The responses of <paramref name="records"/>, in their order, with their live tags when the resource embeds them
    /// (<see cref="ResourceDefinition{TEntity, TInput, TResponse}.WithTags"/>): one query for all of them.
    /// </summary>
    public static async Task<IReadOnlyList<TResponse>> ToResponsesAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services, IReadOnlyList<TEntity> records,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        if (resource.WithTags is not { } withTags || resource.ObjectType is not { } objectType)
        {
            return [.. records.Select(resource.ToResponse)];
        }
        var tags = await RecordTags.OfRecordsAsync(services.Db, objectType, [.. records.Select(r => r.Id)], cancellationToken);
        return [.. records.Select(r => withTags(resource.ToResponse(r), tags.GetValueOrDefault(r.Id) ?? []))];
    }

    /// <summary>The response of one record, with its live tags when the resource embeds them.</summary>
    public static async Task<TResponse> ToResponseAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services, TEntity record,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull =>
        (await resource.ToResponsesAsync(services, [record], cancellationToken))[0];

    /// <summary>The resource's <see cref="ResourceDefinition{TEntity, TInput, TResponse}.AfterApply"/>, if it has one.</summary>
    public static Task AfterApplyAsync<TEntity, TInput, TResponse>(
        this ResourceDefinition<TEntity, TInput, TResponse> resource, ResourceServices services, TEntity record, TInput? before,
        CancellationToken cancellationToken)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull =>
        resource.AfterApply?.Invoke(services, record, before, cancellationToken) ?? Task.CompletedTask;
}
