using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Auth;

public sealed record RegisterRequest(string? Email, string? Password, string? FirstName, string? LastName, string? WorkspaceName);

public sealed record LoginRequest(string? Email, string? Password, Guid? WorkspaceId);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>The workspace to switch to; text rather than a Guid so that a malformed id is a field error, not a bad body.</summary>
public sealed record SwitchWorkspaceRequest(string? WorkspaceId);

public sealed record WorkspaceSummary(Guid Id, string Name, string Slug);

public sealed record WorkspaceMembershipSummary(Guid Id, string Name, string Slug, string Role);

/// <summary>
/// The bearer token handler's <c>AccessTokenResponse</c> fields (tokenType, accessToken, expiresIn in seconds,
/// refreshToken) plus the workspace the tokens act for, and on login every workspace the user may switch to.
/// </summary>
public sealed record AuthTokenResponse(
    string TokenType,
    string AccessToken,
    long ExpiresIn,
    string RefreshToken,
    WorkspaceSummary Workspace,
    IReadOnlyList<WorkspaceMembershipSummary>? Workspaces = null);

public sealed record MeResponse(Guid UserId, string Email, string? FirstName, string? LastName, WorkspaceSummary Workspace, string Role, string Scope);

/// <summary>A membership the tokens are issued for.</summary>
internal sealed record ActiveMembership(Workspace Workspace, MemberRole Role, RecordScope Scope);
