using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Audit;

/// <summary>
/// <c>GET /api/v1/audit</c>: the audit trail of the workspace, newest first. Only members who see every record (record
/// scope all) may read it: a row's values may belong to records outside a narrower scope.
/// </summary>
public static class AuditEndpoints
{
    private static readonly ListingSchema<AuditLog> Schema = new ListingSchema<AuditLog>("audit", a => a.Id)
        .Field("entityType", a => a.EntityType, filterable: true)
        .Field("entityId", a => a.EntityId, filterable: true)
        .Field("action", a => a.Action, filterable: true)
        .Field("actorUserId", a => a.ActorUserId, filterable: true)
        .Field("createdAt", a => a.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt,-id");

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/audit", ListAsync)
            .RequireAuthorization()
            .RequireCurrentMembership()
            .WithTags("Audit")
            .WithName("ListAuditLogs")
            .WithSummary("The audit trail, newest first")
            .WithDescription("entityType and entityId narrow it to one record; paged, filtered and sorted like every list.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    internal static async Task<Results<Ok<ListPage<AuditEntryResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ListQuery query, string? entityType, string? entityId, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (CallerAccess.From(httpContext.User).Scope != RecordScope.All)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Reading the audit trail needs record scope all.");
        }
        var rows = db.AuditLogs.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(entityType))
        {
            rows = rows.Where(a => a.EntityType == entityType);
        }
        if (entityId is not null)
        {
            if (!Guid.TryParse(entityId, out var id))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["entityId"] = [$"'{entityId}' is not a UUID."] });
            }
            rows = rows.Where(a => a.EntityId == id);
        }
        var page = await rows.ToListResultAsync(Schema, query, ToResponse, cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<AuditEntryResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    private static AuditEntryResponse ToResponse(AuditLog a) => new(
        a.Id, a.EntityType, a.EntityId, a.Action, a.ActorUserId, a.ActorApiKeyId,
        a.OldValues is null ? null : JsonNode.Parse(a.OldValues), a.NewValues is null ? null : JsonNode.Parse(a.NewValues),
        a.IpAddress?.ToString(), a.UserAgent, a.TraceId, a.CreatedAt);
}

public sealed record AuditEntryResponse(
    Guid Id, string EntityType, Guid EntityId, AuditAction Action, Guid? ActorUserId, Guid? ActorApiKeyId,
    JsonNode? OldValues, JsonNode? NewValues, string? IpAddress, string? UserAgent, string? TraceId, DateTimeOffset CreatedAt);
