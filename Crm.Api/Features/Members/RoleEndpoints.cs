using Crm.Api.Infrastructure.Access;

namespace Crm.Api.Features.Members;

/// <summary><c>GET /api/v1/roles</c>: the built-in roles and their permissions, read from <see cref="Roles"/>, which the access checks use.</summary>
public static class RoleEndpoints
{
    private static readonly RolesResponse Response = new(
        Roles.All.Select(r => new RoleResponse(r.Role, r.Name, r.Description, Roles.Names(r.Permissions))).ToList(),
        Roles.Permissions.Select(p => new PermissionResponse(p.Name, p.Description)).ToList());

    public static IEndpointRouteBuilder MapRoleEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/roles", () => TypedResults.Ok(Response))
            .RequireAuthorization()
            .RequireCurrentMembership()
            .WithTags("Members")
            .WithName("ListRoles")
            .WithSummary("The built-in roles and what each may do")
            .WithDescription("Highest first; an API key's role is capped by its creator's in this order. Permissions are listed with their meaning.")
            .Produces<RolesResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }
}
