using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Domain;
using Crm.Domain.Auditing;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Infrastructure.Auditing;

/// <summary>
/// Adds <c>audit_logs</c> rows for the changes of a request to its <see cref="CrmDbContext"/>, so they are saved by the
/// same SaveChanges (one transaction) as the change (DESIGN.md section 6). Values are the resource's API fields
/// (camelCase JSON), so the log reads like the API:
/// <code>
/// var audit = AuditTrail.For(httpContext, db);
/// var before = audit.Snapshot(ToInput(company));
/// ... change company ...
/// audit.Updated("company", company.Id, before, audit.Snapshot(ToInput(company)));
/// await db.SaveChangesAsync(ct);
/// </code>
/// </summary>
public sealed class AuditTrail(CrmDbContext db, HttpContext httpContext, JsonSerializerOptions json)
{
    private const int MaxUserAgentLength = 500;

    public static AuditTrail For(HttpContext httpContext, CrmDbContext db) =>
        new(db, httpContext, httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);

    /// <summary>The API fields of a resource as a JSON object, to compare before and after a change.</summary>
    public JsonObject Snapshot<T>(T value) =>
        JsonSerializer.SerializeToNode(value, json) as JsonObject ?? throw new InvalidOperationException($"{typeof(T).Name} is not a JSON object.");

    /// <summary>A new record: every field that has a value.</summary>
    public void Created(string entityType, Guid entityId, JsonObject values) =>
        Record(AuditAction.Created, entityType, entityId, null, WithValues(values));

    /// <summary>
    /// The row of a record an import created (every field that has a value), for a bulk insert in the import's
    /// transaction: not added to the context.
    /// </summary>
    public AuditLog ImportedEntry(string entityType, Guid entityId, JsonObject values) =>
        Entry(AuditAction.Imported, entityType, entityId, null, WithValues(values));

    /// <summary>A change: only the fields that differ. False (and no row) when nothing changed.</summary>
    public bool Updated(string entityType, Guid entityId, JsonObject before, JsonObject after)
    {
        var (oldValues, newValues) = Changes(before, after);
        if (newValues.Count == 0)
        {
            return false;
        }
        Record(AuditAction.Updated, entityType, entityId, oldValues, newValues);
        return true;
    }

    /// <summary>A soft delete (<paramref name="deletedAt"/> set) or a restore (cleared).</summary>
    public void Deleted(string entityType, Guid entityId, DateTimeOffset deletedAt) =>
        Record(AuditAction.Deleted, entityType, entityId, new JsonObject { ["deletedAt"] = null }, new JsonObject { ["deletedAt"] = deletedAt });

    public void Restored(string entityType, Guid entityId, DateTimeOffset deletedAt) =>
        Record(AuditAction.Restored, entityType, entityId, new JsonObject { ["deletedAt"] = deletedAt }, new JsonObject { ["deletedAt"] = null });

    public void Record(AuditAction action, string entityType, Guid entityId, JsonObject? oldValues, JsonObject? newValues) =>
        db.AuditLogs.Add(Entry(action, entityType, entityId, oldValues, newValues));

    private AuditLog Entry(AuditAction action, string entityType, Guid entityId, JsonObject? oldValues, JsonObject? newValues)
    {
        var userAgent = httpContext.Request.Headers.UserAgent.ToString();
        return new AuditLog
        {
            WorkspaceId = db.Session.WorkspaceId ?? Guid.Empty,
            EntityType = entityType,
            EntityId = entityId,
            Action = action,
            ActorUserId = db.Session.UserId,
            ActorApiKeyId = CallerAccess.From(httpContext.User).ApiKeyId,
            OldValues = oldValues?.ToJsonString(json),
            NewValues = newValues?.ToJsonString(json),
            IpAddress = httpContext.Connection.RemoteIpAddress,
            UserAgent = userAgent.Length == 0 ? null : userAgent[..Math.Min(userAgent.Length, MaxUserAgentLength)],
            TraceId = Activity.Current?.TraceId.ToHexString(),
        };
    }

    private static JsonObject WithValues(JsonObject values)
    {
        var set = new JsonObject();
        foreach (var (name, value) in values)
        {
            if (value is not null)
            {
                set[name] = value.DeepClone();
            }
        }
        return set;
    }

    /// <summary>The members whose values differ, before and after.</summary>
    public static (JsonObject Old, JsonObject New) Changes(JsonObject before, JsonObject after)
    {
        var oldValues = new JsonObject();
        var newValues = new JsonObject();
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key)))
        {
            var was = before[name];
            var now = after[name];
            if (!JsonNode.DeepEquals(was, now))
            {
                oldValues[name] = was?.DeepClone();
                newValues[name] = now?.DeepClone();
            }
        }
        return (oldValues, newValues);
    }
}
