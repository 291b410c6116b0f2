using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Crm.AiWorker.Features.Summaries.Extractive;
using Crm.Domain;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Summaries;

/// <summary>A record's timeline, oldest first, with its name and a hash that changes whenever an entry does.</summary>
public sealed record Timeline(string EntityType, Guid EntityId, string Name, IReadOnlyList<TimelineEntry> Entries)
{
    public string Hash { get; } = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(Entries)))[..32];

    /// <summary>The timeline as the prompt shows it: one dated line per entry.</summary>
    public string ToPromptText() => string.Join('\n', Entries.Select(e =>
        $"{e.At:yyyy-MM-dd} [{e.Kind}] {e.Title}{(string.IsNullOrWhiteSpace(e.Body) ? "" : ": " + e.Body)}"));
}

/// <summary>
/// What happened to a contact, company, deal or lead, from the CRM's own records: its activities (subject, description,
/// outcome), its notes, its deals (for a contact or company) and, for a deal, the deal itself and its stage changes.
/// The latest <see cref="MaxEntries"/> entries: what a summary can say something useful about.
/// </summary>
public static class Timelines
{
    public static readonly IReadOnlyList<string> Types = ["contact", "company", "deal", "lead"];

    public const int MaxEntries = 200;

    /// <summary>The record's timeline, or null when the record does not exist (or is deleted) in the session's workspace.</summary>
    public static async Task<Timeline?> LoadAsync(CrmDbContext db, string entityType, Guid id, CancellationToken cancellationToken)
    {
        var name = entityType switch
        {
            "contact" => await db.Contacts.Where(c => c.Id == id && c.DeletedAt == null)
                .Select(c => ((c.FirstName ?? "") + " " + (c.LastName ?? "")).Trim()).FirstOrDefaultAsync(cancellationToken),
            "company" => await db.Companies.Where(c => c.Id == id && c.DeletedAt == null).Select(c => c.Name).FirstOrDefaultAsync(cancellationToken),
            "deal" => await db.Deals.Where(d => d.Id == id && d.DeletedAt == null).Select(d => d.Name).FirstOrDefaultAsync(cancellationToken),
            "lead" => await db.Leads.Where(l => l.Id == id && l.DeletedAt == null)
                .Select(l => ((l.FirstName ?? "") + " " + (l.LastName ?? "")).Trim() + (l.CompanyName == null ? "" : " (" + l.CompanyName + ")"))
                .FirstOrDefaultAsync(cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(entityType), entityType, "Not a record type with a timeline."),
        };
        if (name is null)
        {
            return null;
        }

        var entries = new List<TimelineEntry>();
        var activities = db.Activities.Where(a => a.DeletedAt == null);
        var notes = db.Notes.Where(n => n.DeletedAt == null);
        (activities, notes) = entityType switch
        {
            "contact" => (activities.Where(a => a.ContactId == id), notes.Where(n => n.ContactId == id)),
            "company" => (activities.Where(a => a.CompanyId == id), notes.Where(n => n.CompanyId == id)),
            "deal" => (activities.Where(a => a.DealId == id), notes.Where(n => n.DealId == id)),
            _ => (activities.Where(a => a.LeadId == id), notes.Where(n => n.LeadId == id)),
        };
        entries.AddRange((await activities.OrderByDescending(a => a.CreatedAt).Take(MaxEntries)
                .Select(a => new { At = a.CompletedAt ?? a.ScheduledAt ?? a.CreatedAt, a.Type, a.Subject, a.Description, a.OutcomeNotes })
                .ToListAsync(cancellationToken))
            .Select(a => new TimelineEntry(a.At, Kind(a.Type), a.Subject, Join(a.Description, a.OutcomeNotes))));
        entries.AddRange((await notes.OrderByDescending(n => n.CreatedAt).Take(MaxEntries)
                .Select(n => new { n.CreatedAt, n.Content }).ToListAsync(cancellationToken))
            .Select(n => new TimelineEntry(n.CreatedAt, "note", null, n.Content)));

        if (entityType is "contact" or "company")
        {
            var deals = entityType == "contact" ? db.Deals.Where(d => d.ContactId == id) : db.Deals.Where(d => d.CompanyId == id);
            entries.AddRange((await deals.Where(d => d.DeletedAt == null).OrderByDescending(d => d.CreatedAt).Take(MaxEntries)
                    .Select(d => new { d.CreatedAt, d.Name, d.Value, d.Currency, d.Status, Stage = db.PipelineStages.Where(s => s.Id == d.StageId).Select(s => s.Name).FirstOrDefault() })
                    .ToListAsync(cancellationToken))
                .Select(d => new TimelineEntry(d.CreatedAt, "deal", d.Name,
                    $"Deal worth {Money(d.Value, d.Currency)}, {Kind(d.Status)}, stage {d.Stage}.")));
        }
        if (entityType == "deal")
        {
            var deal = await db.Deals.Where(d => d.Id == id)
                .Select(d => new { d.CreatedAt, d.Value, d.Currency, d.Status, d.ExpectedCloseDate, d.NextStep, d.Competitor, d.Description, d.WonReason, d.LostReason })
                .FirstAsync(cancellationToken);
            entries.Add(new TimelineEntry(deal.CreatedAt, "deal", "Deal created", Join(
                $"Worth {Money(deal.Value, deal.Currency)}.",
                deal.ExpectedCloseDate is { } close ? $"Expected to close on {close:yyyy-MM-dd}." : null,
                deal.Description, deal.NextStep is null ? null : $"Next step: {deal.NextStep}.",
                deal.Competitor is null ? null : $"Competitor: {deal.Competitor}.",
                deal.WonReason is null ? null : $"Won because: {deal.WonReason}.",
                deal.LostReason is null ? null : $"Lost because: {deal.LostReason}.")));
            entries.AddRange((await db.DealStageHistory.Where(h => h.DealId == id).OrderByDescending(h => h.ChangedAt).Take(MaxEntries)
                    .Select(h => new
                    {
                        h.ChangedAt,
                        From = db.PipelineStages.Where(s => s.Id == h.FromStageId).Select(s => s.Name).FirstOrDefault(),
                        To = db.PipelineStages.Where(s => s.Id == h.ToStageId).Select(s => s.Name).FirstOrDefault(),
                    })
                    .ToListAsync(cancellationToken))
                .Select(h => new TimelineEntry(h.ChangedAt, "stage", h.From is null ? $"Entered stage {h.To}" : $"Moved from {h.From} to {h.To}", null)));
        }

        var latest = entries.OrderByDescending(e => e.At).ThenBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.Title, StringComparer.Ordinal)
            .Take(MaxEntries).Reverse().ToList();
        return new Timeline(entityType, id, name.Length > 0 ? name : "(no name)", latest);
    }

    private static string Kind<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value).Trim('"').Replace('_', ' ');

    private static string Money(decimal value, string currency) => $"{value.ToString("N0", CultureInfo.InvariantCulture)} {currency}";

    private static string? Join(params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()).ToArray();
        return present.Length == 0 ? null : string.Join(' ', present);
    }
}
