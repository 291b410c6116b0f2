using Crm.Api.Features.Auth.Sessions;
using Crm.Api.Features.Members;
using Crm.Api.Infrastructure.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Api.Features.Auth;

/// <summary>
/// <c>/api/v1/auth</c>: register (user + workspace + owner membership), login, refresh, logout, switch and me
/// (AuthEndpoints.*.cs), the caller's sessions (Sessions/) and accepting an invitation (Features/Members). See
/// docs/api.md, "Authentication", for the status codes.
/// </summary>
public static partial class AuthEndpoints
{
    private const string InvalidCredentials = "Invalid email or password.";

    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/api/v1/auth").WithTags("Auth");

        auth.MapPost("/register", RegisterAsync)
            .AllowAnonymous()
            .WithName("Register")
            .WithSummary("Create an account and its workspace")
            .WithDescription("Creates the user, a new workspace and the user's owner membership in one transaction, and signs in to it (a new session).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        auth.MapPost("/login", LoginAsync)
            .AllowAnonymous()
            .WithName("Login")
            .WithSummary("Sign in to a workspace")
            .WithDescription("Checks the password (5 failures lock the account for 5 minutes) and starts a session for the given workspace, or the user's oldest.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        auth.MapPost("/refresh", RefreshAsync)
            .AllowAnonymous()
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for new tokens")
            .WithDescription("Rotates the refresh token: the one sent stops working. Sending an already exchanged one again revokes the whole session. A body that is not {\"refreshToken\": \"…\"} is a 400.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/logout", LogoutAsync)
            .RequireAuthorization(AuthExtensions.SignedInUser)
            .WithName("Logout")
            .WithSummary("Sign out of this session")
            .WithDescription("Revokes the session the access token belongs to: its refresh token stops at once, its access tokens within Auth:MembershipCacheDuration.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/switch", SwitchWorkspaceAsync)
            .RequireAuthorization(AuthExtensions.SignedInUser)
            .WithName("SwitchWorkspace")
            .WithSummary("Switch to another of the caller's workspaces")
            .WithDescription("Starts a session in the given workspace, where the caller must be an active member, and answers its tokens as login does; the calling session is ended (its refresh token stops at once). No password: the caller's session vouches for them.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        auth.MapGet("/me", GetMeAsync)
            .RequireAuthorization(AuthExtensions.SignedInUser)
            .RequireCurrentMembership()
            .WithName("GetMe")
            .WithSummary("The caller, their workspace and role")
            .WithDescription("Read through the caller's tenant session (query filters and row-level security).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        auth.MapSessionEndpoints();
        auth.MapInvitationAcceptance();
        return routes;
    }

    private static ProblemHttpResult Unauthorized(string detail, string title = "Unauthorized") =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: title);
}
