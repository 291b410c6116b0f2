using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Notifications;

/// <summary>
/// <c>/api/v1/notifications</c> (docs/api.md, "Notifications"): the caller's own in-app feed in this workspace (the
/// reminders <see cref="ReminderDispatcher"/> delivers). Nobody sees another member's notifications, owners included;
/// marking one read is the caller's business, so a viewer may do it too.
/// </summary>
public static class NotificationEndpoints
{
    private static readonly ListingSchema<Notification> Listing = new ListingSchema<Notification>("notifications", n => n.Id)
        .Field("kind", n => n.Kind, filterable: true)
        .Field("entityType", n => n.EntityType, filterable: true)
        .Field("entityId", n => n.EntityId, filterable: true)
        .Field("createdAt", n => n.CreatedAt, sortable: true, filterable: true)
        .Field("readAt", n => n.ReadAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");

    public static IEndpointRouteBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/notifications").WithTags("Notifications").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/", ListAsync)
            .WithName("ListNotifications")
            .WithSummary("List the caller's notifications, newest first")
            .WithDescription("Cursor-paged; unread=true for the unread ones only; filter by kind, entityType, entityId, createdAt, readAt.")
            .Produces<ListPage<NotificationResponse>>()
            .ProducesValidationProblem();

        group.MapGet("/unread-count", UnreadCountAsync)
            .WithName("CountUnreadNotifications")
            .WithSummary("How many of the caller's notifications are unread")
            .Produces<UnreadCount>();

        group.MapPost("/{id:guid}/read", ReadAsync)
            .WithName("ReadNotification")
            .WithSummary("Mark one of the caller's notifications read")
            .WithDescription("Idempotent: a notification read already keeps the time it was first read.")
            .Produces<NotificationResponse>()
            .ProducesProblems(StatusCodes.Status404NotFound);

        group.MapPost("/read-all", ReadAllAsync)
            .WithName("ReadAllNotifications")
            .WithSummary("Mark all the caller's notifications read")
            .WithDescription("Answers how many were unread.")
            .Produces<UnreadCount>();

        return routes;
    }

    private static Task<Results<Ok<ListPage<NotificationResponse>>, ValidationProblem>> ListAsync(
        ListQuery query, bool? unread, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
        Mine(services).Where(n => unread != true || n.ReadAt == null).AsNoTracking()
            .ToListResultAsync(Listing, query, NotificationResponse.From, cancellationToken);

    private static async Task<Ok<UnreadCount>> UnreadCountAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
        TypedResults.Ok(new UnreadCount(await Mine(services).CountAsync(n => n.ReadAt == null, cancellationToken)));

    private static async Task<IResult> ReadAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var now = services.Now;
        await Mine(services).Where(n => n.Id == id && n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        var notification = await Mine(services).AsNoTracking().FirstOrDefaultAsync(n => n.Id == id, cancellationToken);
        return notification is null ? ResourceRequests.NotFound("notification") : TypedResults.Ok(NotificationResponse.From(notification));
    }

    private static async Task<Ok<UnreadCount>> ReadAllAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var now = services.Now;
        var marked = await Mine(services).Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
        return TypedResults.Ok(new UnreadCount(marked));
    }

    private static IQueryable<Notification> Mine(ResourceServices services) =>
        services.Db.Notifications.Where(n => n.UserId == services.Caller.UserId);
}

/// <summary>A notification as the API returns it; entityType and entityId link to the record it is about.</summary>
public sealed record NotificationResponse(
    Guid Id, NotificationKind Kind, string Title, string? Body, string? EntityType, Guid? EntityId, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt)
{
    public static NotificationResponse From(Notification n) => new(n.Id, n.Kind, n.Title, n.Body, n.EntityType, n.EntityId, n.CreatedAt, n.ReadAt);
}

public sealed record UnreadCount(int Count);
