using Crm.Api.Infrastructure.Listing;
using Crm.Domain;
using Crm.Domain.Records;
using Crm.Domain.Tags;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// The tags on records, as lists and tagging endpoints read them: only live tags count, so a soft-deleted tag leaves
/// every record at once (and comes back on them with a restore).
/// </summary>
public static class RecordTags
{
    public const string FilterName = "tag";

    /// <summary><c>filter[tag]=vip</c>, <c>filter[tag][in]=vip,gold</c>: records with the tag (any of them), by id or name.</summary>
    public static RelatedFilter Filter(CrmDbContext db, ObjectType objectType) =>
        new(FilterName, values => TaggedWith(db, objectType, values));

    /// <summary>The ids of the records of <paramref name="objectType"/> that carry any of the live tags named (by id or name, any case).</summary>
    public static IQueryable<Guid> TaggedWith(CrmDbContext db, ObjectType objectType, IReadOnlyList<string> tags)
    {
        var ids = tags.Select(t => Guid.TryParse(t, out var id) ? id : (Guid?)null).OfType<Guid>().ToList();
        var names = tags.Select(t => t.ToLowerInvariant()).ToList();
        var tagIds = LiveTags(db).Where(t => ids.Contains(t.Id) || names.Contains(t.Name.ToLower())).Select(t => t.Id);
        return db.Taggings.Where(g => g.EntityType == objectType && tagIds.Contains(g.TagId)).Select(g => g.EntityId);
    }

    /// <summary>The live tags on one record.</summary>
    public static IQueryable<Tag> On(CrmDbContext db, ObjectType objectType, Guid entityId)
    {
        var tagIds = db.Taggings.Where(g => g.EntityType == objectType && g.EntityId == entityId).Select(g => g.TagId);
        return LiveTags(db).Where(t => tagIds.Contains(t.Id));
    }

    public static IQueryable<Tag> LiveTags(CrmDbContext db) => db.Tags.Where(ResourceRecords.IsLive<Tag>());

    /// <summary>The live tags on each of <paramref name="entityIds"/> (by name), in one query; records without tags are absent.</summary>
    public static async Task<Dictionary<Guid, List<RecordTag>>> OfRecordsAsync(
        CrmDbContext db, ObjectType objectType, IReadOnlyList<Guid> entityIds, CancellationToken cancellationToken)
    {
        if (entityIds.Count == 0)
        {
            return [];
        }
        var rows = await db.Taggings.Where(g => g.EntityType == objectType && entityIds.Contains(g.EntityId))
            .Join(LiveTags(db), g => g.TagId, t => t.Id, (g, t) => new { g.EntityId, t.Id, t.Name, t.Color })
            .OrderBy(r => r.Name).ThenBy(r => r.Id)
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.EntityId).ToDictionary(g => g.Key, g => g.Select(r => new RecordTag(r.Id, r.Name, r.Color)).ToList());
    }
}

/// <summary>A tag as records embed it (<c>tags</c> of a contact, company, deal or lead).</summary>
public sealed record RecordTag(Guid Id, string Name, string Color);
