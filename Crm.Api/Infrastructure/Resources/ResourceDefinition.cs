using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Listing;
using Crm.Domain;
using Crm.Domain.Records;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>Validates and normalizes an input; errors go to prefix + field (prefix "items[3]." in a batch).</summary>
public delegate TInput InputValidator<TInput>(TInput input, Dictionary<string, string[]> errors, string prefix);

/// <summary>Checks the ids the inputs name (owner, parent, company, …), in one query each for a whole batch.</summary>
public delegate Task ReferenceCheck<TInput>(
    ResourceServices services, IReadOnlyList<(TInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
    CancellationToken cancellationToken);

/// <summary>
/// Completes validated inputs with what only the database knows (a deal's default pipeline and first stage), in one
/// query each for a whole batch, before their references are checked; errors as for <see cref="ReferenceCheck{TInput}"/>.
/// Answers the completed inputs in the order of <paramref name="items"/>.
/// </summary>
public delegate Task<IReadOnlyList<TInput>> InputCompletion<TInput>(
    ResourceServices services, IReadOnlyList<(TInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
    CancellationToken cancellationToken);

/// <summary>
/// Why valid new records may not be created now (deals entering a stage at its WIP limit: a 409), or null when they
/// may; given the completed inputs of a create or of a whole batch.
/// </summary>
public delegate Task<IResult?> CreateCheck<TInput>(ResourceServices services, IReadOnlyList<TInput> inputs, CancellationToken cancellationToken);

/// <summary>Why a record may not be deleted now (a pipeline with deals, a territory with companies: a 409), or null when it may.</summary>
public delegate Task<IResult?> DeleteCheck<TEntity>(ResourceServices services, TEntity record, CancellationToken cancellationToken);

/// <summary>
/// A field two items of one batch may not share (the database would reject the second anyway, but without naming
/// the item): answered as "Another item of this batch has the {Field} {value}." on every later item.
/// </summary>
public sealed record BatchUniqueField<TInput>(string Field, Func<TInput, string?> Value, StringComparer Comparer);

/// <summary>
/// What one business resource (companies, contacts, …) is made of. <see cref="ResourceEndpoints{TEntity, TInput, TResponse}"/>
/// builds the same endpoints from every definition, so a new resource only describes itself.
/// </summary>
public sealed class ResourceDefinition<TEntity, TInput, TResponse>
    where TEntity : class, IBusinessRecord
    where TInput : class, new()
    where TResponse : notnull
{
    /// <summary>"company": the audit rows' entity type, and the noun of problems ("There is no such company.").</summary>
    public required string EntityType { get; init; }

    /// <summary>"companies": the route (/api/v1/companies) and the summaries.</summary>
    public required string Plural { get; init; }

    /// <summary>"Company": the OpenAPI operation names (GetCompany).</summary>
    public required string OperationSingular { get; init; }

    /// <summary>"Companies": the OpenAPI tag and list names (ListCompanies).</summary>
    public required string OperationPlural { get; init; }

    /// <summary>The descriptions that name the resource's own fields.</summary>
    public required string ListDescription { get; init; }

    public required string BatchDescription { get; init; }

    public required string RestoreDescription { get; init; }

    public required Func<CrmDbContext, DbSet<TEntity>> Set { get; init; }

    /// <summary>A new, empty entity with the given id.</summary>
    public required Func<Guid, TEntity> New { get; init; }

    public required ListingSchema<TEntity> Listing { get; init; }

    public required Func<TEntity, TInput> ToInput { get; init; }

    public required Func<TEntity, TResponse> ToResponse { get; init; }

    /// <summary>Copies a validated input onto the entity.</summary>
    public required Action<TInput, TEntity> Apply { get; init; }

    /// <summary>The input with the caller as owner when it names none (a record is its creator's unless said otherwise).</summary>
    public required Func<TInput, Guid, TInput> OwnedByDefault { get; init; }

    public required InputValidator<TInput> Validate { get; init; }

    public required ReferenceCheck<TInput> CheckReferences { get; init; }

    public InputCompletion<TInput>? Complete { get; init; }

    public CreateCheck<TInput>? CheckCreate { get; init; }

    public DeleteCheck<TEntity>? CheckDelete { get; init; }

    /// <summary>
    /// The object type these records are to tags, custom fields and saved views (Crm.Api.Features.ObjectTypes lists
    /// the types served). Set, it makes the pipeline validate and normalize the inputs' <c>customFields</c> against the
    /// workspace's definitions of the type (<typeparamref name="TInput"/> implements <see cref="ICustomFieldsInput"/>)
    /// and offer <c>filter[tag]</c> on the list.
    /// </summary>
    public ObjectType? ObjectType { get; init; }

    /// <summary>
    /// Set, the responses embed the record's live tags (<see cref="RecordTags"/>): the response with its tags. Needs
    /// <see cref="ObjectType"/>. Lists load the tags of a whole page in one query; a new record's response keeps the
    /// empty tags <see cref="ToResponse"/> gives it (it has none yet).
    /// </summary>
    public Func<TResponse, IReadOnlyList<RecordTag>, TResponse>? WithTags { get; init; }

    /// <summary>
    /// Workspace configuration (pipelines, products, tags, territories) rather than owned records: every member sees all of it, whatever
    /// their record scope. Such records have no owner.
    /// </summary>
    public bool WorkspaceWide { get; init; }

    /// <summary>
    /// The input field naming the record's owner, who defaults to the caller on create and decides who sees the record
    /// by record scope ("ownerId"; a task's "assignedTo"); null when the records have no owner. Not used when
    /// <see cref="WorkspaceWide"/>.
    /// </summary>
    public string? OwnerField { get; init; } = "ownerId";

    /// <summary>What a caller needs to create, change, delete and restore these records (<see cref="Roles"/>).</summary>
    public Permission WritePermission { get; init; } = Permission.RecordsWrite;

    /// <summary>
    /// Set ("contact", "pipeline": <see cref="Caching.CacheKeys"/>), <c>GET /{id}</c> reads through the Redis cache
    /// (<see cref="Caching.RecordCache"/>): the entry is the record as the workspace sees it, and the caller's record
    /// scope is checked on every read. Not with <see cref="Visibility"/>.
    /// </summary>
    public string? CacheKind { get; init; }

    /// <summary>Who sees which records, when neither record scope nor <see cref="WorkspaceWide"/> says it (saved views).</summary>
    public Func<ResourceServices, IQueryable<TEntity>, IQueryable<TEntity>>? Visibility { get; init; }

    /// <summary>
    /// What follows from an applied input, before the record is audited and saved in the same transaction: given the
    /// record and its fields before the change (null for a new record). A task completed here, say, is stamped with its
    /// completion and gets its next occurrence; a lead whose score changed gets a score history row. Null when nothing
    /// follows.
    /// </summary>
    public Func<ResourceServices, TEntity, TInput?, CancellationToken, Task>? AfterApply { get; init; }

    /// <summary>The unique indexes of the table, and the 409 each answers.</summary>
    public required IReadOnlyList<UniqueConflict> Conflicts { get; init; }

    public BatchUniqueField<TInput>? BatchUnique { get; init; }

    /// <summary>The batch DTOs, for OpenAPI, and the making of the response.</summary>
    public required Type BatchRequestType { get; init; }

    public required Type BatchResponseType { get; init; }

    public required Func<List<TResponse>, object> ToBatchResponse { get; init; }

    /// <summary>
    /// The 403 a caller who sees the record gets for changing, deleting or restoring it (another member's shared saved
    /// view), or null when they may.
    /// </summary>
    public Func<CallerAccess, TEntity, IResult?>? RefuseChange { get; init; }

    /// <summary>The problem a PATCH answers instead when the record's state allows no change (a converted lead: 409); null to go ahead.</summary>
    public Func<TEntity, IResult?>? RefusePatch { get; init; }

    public string Route => $"/api/v1/{Plural}";

    public bool MayWrite(CallerAccess caller) => caller.Has(WritePermission);

    /// <summary>Who sees these records, for the OpenAPI descriptions of the list and the reads.</summary>
    public string AccessDescription =>
        WorkspaceWide
            ? $"Workspace configuration: every member sees all {Plural}, whatever their record scope; creating, changing, deleting and restoring them needs {string.Join(", ", Roles.Names(WritePermission))}."
            : Visibility is null && OwnerField is not null
                ? $"Only the {Plural} of the caller's record scope (own, team or all, by {OwnerField}); another's answer 404."
                : "";

    /// <summary>Whose a new record is, for the OpenAPI description of the creates.</summary>
    public string OwnershipDescription =>
        WorkspaceWide ? "Workspace-wide: no owner; every member sees it." : OwnerField is not null ? $"Owned by the caller unless {OwnerField} says otherwise." : "";

    /// <summary>The 403 for a caller who may not write these records, or null when they may.</summary>
    public IResult? RefuseWrite(CallerAccess caller) =>
        MayWrite(caller) ? null
        : WritePermission == Permission.RecordsWrite ? CallerAccess.ReadOnly()
        : TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"Changing {Plural} needs the permission {string.Join(", ", Roles.Names(WritePermission))}, which your role does not have (GET /api/v1/roles).");

    /// <summary>The records of the table the caller may see, live or deleted: by record scope unless <see cref="WorkspaceWide"/>.</summary>
    /// <remarks>A record with collections (an activity's participants and reminders) loads each in a query of its own
    /// rather than as one cross product of them.</remarks>
    public IQueryable<TEntity> Scoped(ResourceServices services) =>
        (Visibility is not null ? Visibility(services, Set(services.Db))
            : WorkspaceWide ? Set(services.Db)
            : services.Caller.Visible(Set(services.Db), services.Db)).AsSplitQuery();
}
