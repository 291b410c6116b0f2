namespace Crm.Domain.Outbox;

/// <summary>
/// A committed change of a business record, as a consumer receives it (table outbox_events, migration 0017). It says
/// what happened to which record, not the record's new state: a consumer reads the current state when it handles the
/// event, so handling an event twice, or two events of one record out of order, has the effect of handling the last
/// one once.
/// </summary>
/// <remarks>
/// <c>Position</c>: The commit order stamped by the relay; a consumer's cursor is the last position it handled.<br/>
/// <c>EntityType</c>: What kind of record changed: one of <see cref="OutboxEntityTypes"/>.<br/>
/// <c>Action</c>: What happened: one of <see cref="OutboxActions"/>.<br/>
/// <c>Changed</c>: For an update, the names of the columns (or parts, such as "tags") that changed.<br/>
/// <c>TransactionId</c>: The writing transaction, the events' version: the events of one transaction share it.<br/>
/// <c>TraceParent</c>: The W3C traceparent of the request that made the change, when there was one.<br/>
/// <c>OccurredAt</c>: When the change was written (not when it committed).<br/>
/// </remarks>
public sealed record OutboxEvent(
    long Position,
    Guid WorkspaceId,
    string EntityType,
    Guid EntityId,
    string Action,
    IReadOnlyList<string> Changed,
    ulong TransactionId,
    string? TraceParent,
    DateTimeOffset OccurredAt);

/// <summary>The entity types events are written for (the triggers of migration 0017).</summary>
public static class OutboxEntityTypes
{
    public const string Company = "company";
    public const string Contact = "contact";
    public const string Lead = "lead";
    public const string Deal = "deal";
    public const string Activity = "activity";
    public const string Note = "note";
    public const string Task = "task";
    public const string Pipeline = "pipeline";
}

/// <summary>The actions of events (the CHECK of outbox_events.action).</summary>
public static class OutboxActions
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Deleted = "deleted";
    public const string Restored = "restored";
    public const string StageChanged = "stage_changed";
    public const string Converted = "converted";

    /// <summary>The row is gone for good (retention's purge, a hard delete).</summary>
    public const string Purged = "purged";
}
