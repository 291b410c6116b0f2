using System.Linq.Expressions;
using System.Text.Json.Serialization;
using Crm.Api.Features.Activities;
using Crm.Api.Features.Notes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Activities;
using Crm.Domain.Deals;
using Crm.Domain.Notes;
using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Timeline;

/// <summary>
/// <c>GET /api/v1/{contacts|companies|leads|deals}/{id}/timeline</c> (docs/api.md, "Timeline"): the activities and notes
/// linked to the record, and a deal's stage changes, newest first, keyset-paged like every list. Each source is read by its own index-backed keyset query
/// (the timeline indexes of migration 0008, deal_stage_history_deal of 0006) for one page and one row more, and the pages are merged here; the records
/// of the page are then loaded by id. A record the caller does not see is 404; so are deleted ones. Items are those the
/// caller may read: live ones within their record scope.
/// </summary>
public static class TimelineEndpoints
{
    /// <summary>The sort every source and the merge share: newest first, ids breaking ties.</summary>
    private static readonly ListingSchema<TimelineRow> Order = new ListingSchema<TimelineRow>("timeline", r => r.Id)
        .Field("time", r => r.Time, sortable: true)
        .DefaultSort("-time,-id");

    public static IEndpointRouteBuilder MapTimelineEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1").WithTags("Timeline").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        foreach (var (subject, plural, name) in new[]
                 {
                     (TimelineSubject.Contact, "contacts", "Contact"),
                     (TimelineSubject.Company, "companies", "Company"),
                     (TimelineSubject.Lead, "leads", "Lead"),
                     (TimelineSubject.Deal, "deals", "Deal"),
                 })
        {
            group.MapGet($"/{plural}/{{id:guid}}/timeline",
                    (Guid id, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
                        TimelineAsync(subject, id, query, services, cancellationToken))
                .WithName($"Get{name}Timeline")
                .WithSummary($"The timeline of a {EnumNames.Of(subject)}")
                .WithDescription("Activities (at occurredAt), notes (at createdAt) and a deal's stage changes (at changedAt), newest first; " +
                                 "limit and cursor as in every list.")
                .Produces<ListPage<TimelineItem>>()
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status404NotFound);
        }
        return routes;
    }

    private static async Task<IResult> TimelineAsync(
        TimelineSubject subject, Guid id, ListQuery query, ResourceServices services, CancellationToken cancellationToken)
    {
        var plan = Order.Plan(new ListQuery { Limit = query.Limit, Cursor = query.Cursor, ParseErrors = query.ParseErrors });
        if (!plan.IsValid)
        {
            return TypedResults.ValidationProblem(plan.Errors, title: "The list parameters are not valid.");
        }
        if (!await IsVisibleAsync(services, subject, id, cancellationToken))
        {
            return ResourceRequests.NotFound(EnumNames.Of(subject));
        }

        var db = services.Db;
        var activities = services.Visible(db.Activities).IgnoreAutoIncludes().Where(LinkedTo<Activity>(subject, id))
            .Select(a => new TimelineRow { Time = a.OccurredAt, Id = a.Id });
        var notes = services.Visible(db.Notes).Where(LinkedTo<Note>(subject, id))
            .Select(n => new TimelineRow { Time = n.CreatedAt, Id = n.Id });
        List<TimelineRow> rows =
        [
            .. (await plan.ApplyPage(activities).ToListAsync(cancellationToken)).Select(r => r with { Kind = TimelineKind.Activity }),
            .. (await plan.ApplyPage(notes).ToListAsync(cancellationToken)).Select(r => r with { Kind = TimelineKind.Note }),
        ];
        if (subject == TimelineSubject.Deal)
        {
            // The deal is visible and live (checked above); its stage history has no owner or deletion of its own.
            var stageChanges = db.DealStageHistory.Where(h => h.DealId == id).Select(h => new TimelineRow { Time = h.ChangedAt, Id = h.Id });
            rows.AddRange((await plan.ApplyPage(stageChanges).ToListAsync(cancellationToken)).Select(r => r with { Kind = TimelineKind.StageChange }));
        }
        var merged = rows.OrderByDescending(r => r.Time).ThenByDescending(r => r.Id).Take(plan.Limit + 1).ToList();

        var shown = merged.Take(plan.Limit).ToList();
        var activityIds = IdsOf(shown, TimelineKind.Activity);
        var noteIds = IdsOf(shown, TimelineKind.Note);
        var activityById = activityIds.Count == 0 ? [] : await db.Activities.AsNoTracking().AsSplitQuery()
            .Where(a => activityIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        var noteById = noteIds.Count == 0 ? [] : await db.Notes.AsNoTracking()
            .Where(n => noteIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, cancellationToken);
        var stageChangeIds = IdsOf(shown, TimelineKind.StageChange);
        var stageChangeById = stageChangeIds.Count == 0 ? [] : await db.DealStageHistory.AsNoTracking()
            .Where(h => stageChangeIds.Contains(h.Id)).ToDictionaryAsync(h => h.Id, cancellationToken);

        return TypedResults.Ok(plan.ToPage(merged, row => row.Kind switch
        {
            TimelineKind.Activity => new TimelineItem(row.Kind, row.Time) { Activity = activityById[row.Id].ToResponse() },
            TimelineKind.Note => new TimelineItem(row.Kind, row.Time) { Note = noteById[row.Id].ToResponse() },
            _ => new TimelineItem(row.Kind, row.Time) { StageChange = StageChangeResponse.From(stageChangeById[row.Id]) },
        }));
    }

    private static Task<bool> IsVisibleAsync(ResourceServices services, TimelineSubject subject, Guid id, CancellationToken cancellationToken) =>
        subject switch
        {
            TimelineSubject.Contact => services.Visible(services.Db.Contacts).AnyAsync(c => c.Id == id, cancellationToken),
            TimelineSubject.Company => services.Visible(services.Db.Companies).AnyAsync(c => c.Id == id, cancellationToken),
            TimelineSubject.Lead => services.Visible(services.Db.Leads).AnyAsync(l => l.Id == id, cancellationToken),
            _ => services.Visible(services.Db.Deals).AnyAsync(d => d.Id == id, cancellationToken),
        };

    /// <summary>The records of <typeparamref name="T"/> linked to the subject: the predicate its timeline index serves.</summary>
    private static Expression<Func<T, bool>> LinkedTo<T>(TimelineSubject subject, Guid id)
        where T : class, ILinkedRecord => subject switch
        {
            TimelineSubject.Contact => r => r.ContactId == id,
            TimelineSubject.Company => r => r.CompanyId == id,
            TimelineSubject.Lead => r => r.LeadId == id,
            _ => r => r.DealId == id,
        };

    private static List<Guid> IdsOf(IEnumerable<TimelineRow> rows, TimelineKind kind) => [.. rows.Where(r => r.Kind == kind).Select(r => r.Id)];
}

/// <summary>The records that have timelines.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TimelineSubject>))]
public enum TimelineSubject
{
    Contact,
    Company,
    Lead,
    Deal,
}

/// <summary>What a timeline item is.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<TimelineKind>))]
public enum TimelineKind
{
    Activity,
    Note,
    StageChange,
}

/// <summary>One entry of a timeline: its kind, its time, and the record (the one member that matches the kind).</summary>
public sealed record TimelineItem(TimelineKind Kind, DateTimeOffset Time)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ActivityResponse? Activity { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NoteResponse? Note { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StageChangeResponse? StageChange { get; init; }
}

/// <summary>A deal's move from one stage to another (deal_stage_history); the first has no fromStageId.</summary>
public sealed record StageChangeResponse(
    Guid Id, Guid DealId, Guid? FromStageId, Guid ToStageId, int? FromProbability, int ToProbability, long? SecondsInFromStage,
    Guid? ChangedBy, DateTimeOffset ChangedAt)
{
    internal static StageChangeResponse From(DealStageChange h) => new(
        h.Id, h.DealId, h.FromStageId, h.ToStageId, h.FromProbability, h.ToProbability, h.SecondsInFromStage, h.ChangedBy, h.ChangedAt);
}

/// <summary>A timeline entry as its source query reads it: the keyset (time, id); the kind is known by the source.</summary>
internal sealed record TimelineRow
{
    public TimelineKind Kind { get; init; }

    public DateTimeOffset Time { get; init; }

    public Guid Id { get; init; }
}
