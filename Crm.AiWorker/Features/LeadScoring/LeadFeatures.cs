using System.Globalization;
using System.Text.Json;
using Crm.Domain;
using Crm.Domain.Activities;
using Crm.Domain.Leads;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.LeadScoring;

/// <summary>What a lead did, counted from its activities and notes up to a moment (its outcome, or now).</summary>
public sealed record LeadEngagement(
    int Meetings, int Replies, int EmailsSent, int Calls, int Activities, int Notes, double? DaysSinceLastActivity,
    double DecayedMeetings, double DecayedReplies)
{
    public static readonly LeadEngagement None = new(0, 0, 0, 0, 0, 0, null, 0, 0);
}

/// <summary>A lead with its engagement: the input of both the cold-start score and the learned model.</summary>
public sealed record LeadRow(Lead Lead, LeadEngagement Engagement)
{
    /// <summary>Converted (true) or lost (false); null while the lead is open.</summary>
    public bool? Outcome => Lead.Status switch
    {
        LeadStatus.Converted => true,
        LeadStatus.Lost => false,
        _ => null,
    };

    /// <summary>Leads still being worked: the ones scored (closed and archived leads keep their last score).</summary>
    public bool IsOpen => Lead.Status is not (LeadStatus.Converted or LeadStatus.Lost or LeadStatus.Archived);
}

/// <summary>
/// Loads leads with their engagement, and turns them into the learned model's features. Engagement is counted only up
/// to a closed lead's outcome (its conversion, or its last update for a lost one): activities logged after a lead
/// converted would otherwise teach the model that converted leads have many activities, which is no signal at all.
/// </summary>
public static class LeadFeatures
{
    /// <summary>seed 001's engagement formula decays each event by half every this many days.</summary>
    public const double HalfLifeDays = 30;

    private const double NoActivityDays = 365;

    public static async Task<IReadOnlyList<LeadRow>> LoadAsync(
        CrmDbContext db, IReadOnlyCollection<Guid>? ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var leads = await db.Leads.AsNoTracking()
            .Where(l => l.DeletedAt == null && (ids == null || ids.Contains(l.Id)))
            .ToListAsync(cancellationToken);
        if (leads.Count == 0)
        {
            return [];
        }
        var leadIds = leads.Select(l => l.Id).ToArray();
        var activities = (await db.Activities.AsNoTracking()
            .Where(a => a.DeletedAt == null && a.LeadId != null && (ids == null || leadIds.Contains(a.LeadId.Value)))
            .Select(a => new { LeadId = a.LeadId!.Value, a.Type, a.Status, a.Direction, At = a.CompletedAt ?? a.CreatedAt })
            .ToListAsync(cancellationToken)).ToLookup(a => a.LeadId);
        var notes = (await db.Notes.AsNoTracking()
            .Where(n => n.DeletedAt == null && n.LeadId != null && (ids == null || leadIds.Contains(n.LeadId.Value)))
            .Select(n => new { LeadId = n.LeadId!.Value, n.CreatedAt })
            .ToListAsync(cancellationToken)).ToLookup(n => n.LeadId);

        return leads.Select(lead =>
        {
            var until = lead.Status switch
            {
                LeadStatus.Converted => lead.ConvertedAt ?? now,
                LeadStatus.Lost => lead.UpdatedAt,
                _ => now,
            };
            var done = activities[lead.Id].Where(a => a.At <= until).ToList();
            double Decay(DateTimeOffset at) => Math.Pow(0.5, Math.Max(0, (until - at).TotalDays) / HalfLifeDays);
            var meetings = done.Where(a => a.Type is ActivityType.Meeting or ActivityType.Demo && a.Status == ActivityStatus.Completed).ToList();
            var replies = done.Where(a => a.Type == ActivityType.Email && a.Direction == Direction.Inbound).ToList();
            var engagement = new LeadEngagement(
                Meetings: meetings.Count,
                Replies: replies.Count,
                EmailsSent: done.Count(a => a.Type == ActivityType.Email && a.Direction == Direction.Outbound),
                Calls: done.Count(a => a.Type == ActivityType.Call && a.Status == ActivityStatus.Completed),
                Activities: done.Count,
                Notes: notes[lead.Id].Count(n => n.CreatedAt <= until),
                DaysSinceLastActivity: done.Count == 0 ? null : (until - done.Max(a => a.At)).TotalDays,
                DecayedMeetings: meetings.Sum(a => Decay(a.At)),
                DecayedReplies: replies.Sum(a => Decay(a.At)));
            return new LeadRow(lead, engagement);
        }).ToList();
    }

    /// <summary>
    /// The model's features for a workspace: fit, intent and engagement, plus the numeric and yes/no custom fields that
    /// at least a tenth of the leads have. Status and qualification are left out: they are set on the way to the outcome
    /// (a converted lead is "sales accepted"), so they would predict the past, not the lead.
    /// </summary>
    public static FeatureSet FeatureSetFor(IReadOnlyList<LeadRow> rows)
    {
        var custom = rows
            .SelectMany(r => CustomNumbers(r.Lead).Keys)
            .GroupBy(k => k, StringComparer.Ordinal)
            .Where(g => g.Count() * 10 >= rows.Count)
            .Select(g => g.Key).Order(StringComparer.Ordinal).Take(10).ToArray();
        return new FeatureSet([.. FixedFeatures, .. Enum.GetValues<LeadSource>().Select(s => "source:" + Choice(s)), .. custom.Select(k => "custom:" + k)]);
    }

    private static readonly string[] FixedFeatures =
    [
        "decision_maker", "interest_level", "budget", "employees", "annual_revenue", "has_email", "has_phone", "has_title",
        "meetings", "replies", "emails_sent", "calls", "activities", "notes", "days_since_last_activity",
    ];

    /// <summary>A lead's value of each feature, in the set's order (amounts on a log scale: 10x the budget is one step).</summary>
    public static double[] Vector(FeatureSet set, LeadRow row)
    {
        var lead = row.Lead;
        var engagement = row.Engagement;
        var custom = CustomNumbers(lead);
        var source = "source:" + Choice(lead.Source);
        return set.Names.Select(name => name switch
        {
            "decision_maker" => lead.DecisionMaker ? 1 : 0,
            "interest_level" => (double)lead.InterestLevel,
            "budget" => Math.Log10(1 + (double)(lead.Budget ?? 0)),
            "employees" => Math.Log10(1 + (lead.EmployeeCount ?? 0)),
            "annual_revenue" => Math.Log10(1 + (double)(lead.AnnualRevenue ?? 0)),
            "has_email" => lead.Email is null ? 0 : 1,
            "has_phone" => lead.Phone is null ? 0 : 1,
            "has_title" => lead.Title is null ? 0 : 1,
            "meetings" => engagement.Meetings,
            "replies" => engagement.Replies,
            "emails_sent" => engagement.EmailsSent,
            "calls" => engagement.Calls,
            "activities" => engagement.Activities,
            "notes" => engagement.Notes,
            "days_since_last_activity" => Math.Min(engagement.DaysSinceLastActivity ?? NoActivityDays, NoActivityDays),
            _ when name.StartsWith("source:", StringComparison.Ordinal) => name == source ? 1 : 0,
            _ when name.StartsWith("custom:", StringComparison.Ordinal) => custom.GetValueOrDefault(name["custom:".Length..]),
            _ => 0,
        }).ToArray();
    }

    /// <summary>The group a feature is explained in: the one-hot sources are one reason ("Came from a referral").</summary>
    public static string GroupOf(string feature) => feature.StartsWith("source:", StringComparison.Ordinal) ? "source" : feature;

    /// <summary>The lead's side of a factor, in words: "3 meetings held", "Came from referral", "No phone number".</summary>
    public static string Describe(string group, LeadRow row)
    {
        var lead = row.Lead;
        var e = row.Engagement;
        return group switch
        {
            "decision_maker" => lead.DecisionMaker ? "Is the decision maker" : "Is not the decision maker",
            "interest_level" => $"Interest level {Choice(lead.InterestLevel).Replace('_', ' ')}",
            "budget" => lead.Budget is { } budget ? $"Budget of {budget.ToString("N0", CultureInfo.InvariantCulture)} {lead.Currency}" : "No budget given",
            "employees" => lead.EmployeeCount is { } employees ? $"{employees:N0} employees" : "Company size unknown",
            "annual_revenue" => lead.AnnualRevenue is { } revenue ? $"Annual revenue of {revenue.ToString("N0", CultureInfo.InvariantCulture)} {lead.Currency}" : "Revenue unknown",
            "has_email" => lead.Email is null ? "No email address" : "Has an email address",
            "has_phone" => lead.Phone is null ? "No phone number" : "Has a phone number",
            "has_title" => lead.Title is null ? "No job title" : $"Job title {lead.Title}",
            "meetings" => Count(e.Meetings, "meeting held", "meetings held"),
            "replies" => Count(e.Replies, "email reply", "email replies"),
            "emails_sent" => Count(e.EmailsSent, "email sent", "emails sent"),
            "calls" => Count(e.Calls, "call completed", "calls completed"),
            "activities" => Count(e.Activities, "activity logged", "activities logged"),
            "notes" => Count(e.Notes, "note", "notes"),
            "days_since_last_activity" => e.DaysSinceLastActivity is { } days ? $"Last activity {days:F0} days ago" : "No activity yet",
            "source" => $"Came from {Choice(lead.Source).Replace('_', ' ')}",
            _ when group.StartsWith("custom:", StringComparison.Ordinal) =>
                $"{group["custom:".Length..]} = {CustomNumbers(lead).GetValueOrDefault(group["custom:".Length..]).ToString(CultureInfo.InvariantCulture)}",
            _ => group,
        };
    }

    private static string Count(int n, string one, string many) => n == 1 ? $"1 {one}" : $"{n} {many}";

    private static string Choice<TEnum>(TEnum value)
        where TEnum : struct, Enum => JsonSerializer.Serialize(value).Trim('"');

    private static Dictionary<string, double> CustomNumbers(Lead lead)
    {
        var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(lead.CustomFields);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Number)
            {
                numbers[property.Name] = property.Value.GetDouble();
            }
            else if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                numbers[property.Name] = property.Value.GetBoolean() ? 1 : 0;
            }
        }
        return numbers;
    }
}

/// <summary>The names of a model's features, in the order of its vectors; stored with the model (ai_models.features).</summary>
public sealed record FeatureSet(IReadOnlyList<string> Names);
