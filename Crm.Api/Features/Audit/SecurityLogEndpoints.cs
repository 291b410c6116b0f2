using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Domain;
using Crm.Domain.Auditing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Audit;

/// <summary>
/// <c>GET /api/v1/security-logs</c> (docs/api.md, "Security log"): the workspace's security events (sign-ins, failed
/// sign-ins, lockouts, denied permissions, API keys, suspicious refresh tokens), newest first, for owners and admins
/// (<c>workspace.manage</c>). Events of no workspace (a failed sign-in of an unknown email) are nobody's to read here.
/// </summary>
public static class SecurityLogEndpoints
{
    private static readonly ListingSchema<SecurityLog> Schema = new ListingSchema<SecurityLog>("security-logs", s => s.Id)
        .Field("eventType", s => s.EventType, filterable: true)
        .Field("severity", s => s.Severity, filterable: true)
        .Field("userId", s => s.UserId, filterable: true)
        .Field("createdAt", s => s.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt,-id");

    public static IEndpointRouteBuilder MapSecurityLogEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/security-logs", ListAsync)
            .RequireAuthorization()
            .RequireCurrentMembership()
            .WithTags("Audit")
            .WithName("ListSecurityLogs")
            .WithSummary("The workspace's security log, newest first")
            .WithDescription("Owners and admins (workspace.manage). Paged, filtered (eventType, severity, userId, createdAt) and sorted like every list.")
            .ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        return routes;
    }

    private static async Task<Results<Ok<ListPage<SecurityLogResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ListQuery query, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!CallerAccess.From(httpContext.User).Has(Permission.WorkspaceManage))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Reading the security log needs the permission workspace.manage (owners and admins).");
        }
        var page = await db.SecurityLogs.AsNoTracking().ToListResultAsync(Schema, query, ToResponse, cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<SecurityLogResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    private static SecurityLogResponse ToResponse(SecurityLog s) => new(
        s.Id, s.EventType, s.Severity, s.UserId, s.UserEmail, s.Description, JsonNode.Parse(s.Details), s.IpAddress?.ToString(), s.UserAgent, s.CreatedAt);
}

public sealed record SecurityLogResponse(
    Guid Id, SecurityEventType EventType, SecuritySeverity Severity, Guid? UserId, string? UserEmail, string? Description,
    JsonNode? Details, string? IpAddress, string? UserAgent, DateTimeOffset CreatedAt);
