using System.Security.Cryptography;
using System.Text;
using Crm.Domain;
using Crm.Domain.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>A record's text to embed and its hash (what the embeddings table compares to skip unchanged records).</summary>
public sealed record EmbeddingText(string EntityType, Guid EntityId, string Text)
{
    public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Text)))[..32];
}

/// <summary>
/// What a record means, in words, for semantic search and "find similar": what it is about (title, industry,
/// description, pain points, next step), where it stands, and what was said about it lately (its latest notes and
/// activities). People's names, emails and phone numbers are left out on purpose: they say nothing about meaning, and
/// SIF gives rare words such as surnames the largest weights, so two strangers named Okafor would look alike.
/// </summary>
public static class EmbeddingTexts
{
    /// <summary>The record types that get a vector (the CHECK of embeddings.entity_type).</summary>
    public static readonly IReadOnlyList<string> Types =
        [OutboxEntityTypes.Contact, OutboxEntityTypes.Company, OutboxEntityTypes.Lead, OutboxEntityTypes.Deal];

    private const int LatestNotes = 5;
    private const int LatestActivities = 10;
    private const int MaxNoteLength = 600;

    // Remote models take about 8,000 tokens; this keeps any record well inside that.
    private const int MaxTextLength = 6_000;

    /// <summary>The texts of the live records of <paramref name="ids"/> (the session's workspace); a deleted record has none.</summary>
    public static async Task<IReadOnlyList<EmbeddingText>> LoadAsync(
        CrmDbContext db, string entityType, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var own = entityType switch
        {
            OutboxEntityTypes.Contact => await db.Contacts.Where(c => c.DeletedAt == null && ids.Contains(c.Id))
                .Select(c => new OwnText
                {
                    Id = c.Id,
                    Parts = new[]
                    {
                        c.Title, c.Department,
                        db.Companies.Where(co => co.Id == c.CompanyId && co.DeletedAt == null).Select(co => co.Name + " " + (co.Industry ?? "")).FirstOrDefault(),
                        c.City, c.Country,
                    },
                }).ToListAsync(cancellationToken),
            OutboxEntityTypes.Company => await db.Companies.Where(c => c.DeletedAt == null && ids.Contains(c.Id))
                .Select(c => new OwnText { Id = c.Id, Parts = new[] { c.Name, c.Industry, c.SubIndustry, c.Description, c.City, c.Country } })
                .ToListAsync(cancellationToken),
            OutboxEntityTypes.Lead => await db.Leads.Where(l => l.DeletedAt == null && ids.Contains(l.Id))
                .Select(l => new OwnText
                {
                    Id = l.Id,
                    Parts = new[] { l.Title, l.CompanyName, l.Industry, l.PainPoints, l.Timeline, l.SourceDetail, l.Campaign, l.City, l.Country },
                }).ToListAsync(cancellationToken),
            OutboxEntityTypes.Deal => await db.Deals.Where(d => d.DeletedAt == null && ids.Contains(d.Id))
                .Select(d => new OwnText
                {
                    Id = d.Id,
                    Parts = new[]
                    {
                        d.Name, d.Description, d.NextStep, d.Competitor, d.WonReason, d.LostReason,
                        db.Companies.Where(co => co.Id == d.CompanyId && co.DeletedAt == null).Select(co => co.Name + " " + (co.Industry ?? "")).FirstOrDefault(),
                    },
                }).ToListAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(entityType), entityType, "Not a record type with embeddings."),
        };
        if (own.Count == 0)
        {
            return [];
        }
        var live = own.Select(o => o.Id).ToArray();
        var notes = (await Notes(db, entityType, live).OrderByDescending(n => n.At).ToListAsync(cancellationToken)).ToLookup(n => n.RecordId);
        var activities = (await Activities(db, entityType, live).OrderByDescending(a => a.At).ToListAsync(cancellationToken)).ToLookup(a => a.RecordId);

        return own.Select(o =>
        {
            var text = new StringBuilder();
            foreach (var part in o.Parts.Where(p => !string.IsNullOrWhiteSpace(p)))
            {
                text.Append(part!.Trim()).Append(". ");
            }
            foreach (var note in notes[o.Id].Take(LatestNotes))
            {
                text.Append(note.Text.Length > MaxNoteLength ? note.Text[..MaxNoteLength] : note.Text).Append(". ");
            }
            foreach (var activity in activities[o.Id].Take(LatestActivities))
            {
                text.Append(activity.Text).Append(". ");
            }
            var all = text.ToString().Trim();
            return new EmbeddingText(entityType, o.Id, all.Length > MaxTextLength ? all[..MaxTextLength] : all);
        }).ToList();
    }

    /// <summary>
    /// The records whose text shows these events' notes and activities (their links; a deleted note's links too, so
    /// that its record is embedded again without it).
    /// </summary>
    public static async Task<IReadOnlyList<(string Type, Guid Id)>> LinkedRecordsAsync(
        CrmDbContext db, IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        var noteIds = events.Where(e => e.EntityType == OutboxEntityTypes.Note).Select(e => e.EntityId).Distinct().ToArray();
        var activityIds = events.Where(e => e.EntityType == OutboxEntityTypes.Activity).Select(e => e.EntityId).Distinct().ToArray();
        var links = new List<Links>();
        if (noteIds.Length > 0)
        {
            links.AddRange(await db.Notes.Where(n => noteIds.Contains(n.Id))
                .Select(n => new Links { Contact = n.ContactId, Company = n.CompanyId, Deal = n.DealId, Lead = n.LeadId }).ToListAsync(cancellationToken));
        }
        if (activityIds.Length > 0)
        {
            links.AddRange(await db.Activities.Where(a => activityIds.Contains(a.Id))
                .Select(a => new Links { Contact = a.ContactId, Company = a.CompanyId, Deal = a.DealId, Lead = a.LeadId }).ToListAsync(cancellationToken));
        }
        return links.SelectMany(l => new (string, Guid?)[]
            {
                (OutboxEntityTypes.Contact, l.Contact), (OutboxEntityTypes.Company, l.Company),
                (OutboxEntityTypes.Deal, l.Deal), (OutboxEntityTypes.Lead, l.Lead),
            })
            .Where(l => l.Item2 is not null).Select(l => (l.Item1, l.Item2!.Value)).Distinct().ToList();
    }

    private static IQueryable<LinkedText> Notes(CrmDbContext db, string entityType, Guid[] ids)
    {
        var notes = db.Notes.Where(n => n.DeletedAt == null);
        return entityType switch
        {
            OutboxEntityTypes.Contact => notes.Where(n => n.ContactId != null && ids.Contains(n.ContactId.Value))
                .Select(n => new LinkedText { RecordId = n.ContactId!.Value, At = n.CreatedAt, Text = n.Content }),
            OutboxEntityTypes.Company => notes.Where(n => n.CompanyId != null && ids.Contains(n.CompanyId.Value))
                .Select(n => new LinkedText { RecordId = n.CompanyId!.Value, At = n.CreatedAt, Text = n.Content }),
            OutboxEntityTypes.Lead => notes.Where(n => n.LeadId != null && ids.Contains(n.LeadId.Value))
                .Select(n => new LinkedText { RecordId = n.LeadId!.Value, At = n.CreatedAt, Text = n.Content }),
            _ => notes.Where(n => n.DealId != null && ids.Contains(n.DealId.Value))
                .Select(n => new LinkedText { RecordId = n.DealId!.Value, At = n.CreatedAt, Text = n.Content }),
        };
    }

    private static IQueryable<LinkedText> Activities(CrmDbContext db, string entityType, Guid[] ids)
    {
        var activities = db.Activities.Where(a => a.DeletedAt == null);
        return entityType switch
        {
            OutboxEntityTypes.Contact => activities.Where(a => a.ContactId != null && ids.Contains(a.ContactId.Value))
                .Select(a => new LinkedText { RecordId = a.ContactId!.Value, At = a.CreatedAt, Text = a.Subject }),
            OutboxEntityTypes.Company => activities.Where(a => a.CompanyId != null && ids.Contains(a.CompanyId.Value))
                .Select(a => new LinkedText { RecordId = a.CompanyId!.Value, At = a.CreatedAt, Text = a.Subject }),
            OutboxEntityTypes.Lead => activities.Where(a => a.LeadId != null && ids.Contains(a.LeadId.Value))
                .Select(a => new LinkedText { RecordId = a.LeadId!.Value, At = a.CreatedAt, Text = a.Subject }),
            _ => activities.Where(a => a.DealId != null && ids.Contains(a.DealId.Value))
                .Select(a => new LinkedText { RecordId = a.DealId!.Value, At = a.CreatedAt, Text = a.Subject }),
        };
    }

    // Set by initializers, not constructors: EF Core can order and filter on members it sees assigned.
    private sealed class OwnText
    {
        public Guid Id { get; init; }

        public required string?[] Parts { get; init; }
    }

    private sealed class LinkedText
    {
        public Guid RecordId { get; init; }

        public DateTimeOffset At { get; init; }

        public required string Text { get; init; }
    }

    private sealed class Links
    {
        public Guid? Contact { get; init; }

        public Guid? Company { get; init; }

        public Guid? Deal { get; init; }

        public Guid? Lead { get; init; }
    }
}
