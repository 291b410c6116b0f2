namespace Crm.Web.Auth;

/// <summary>
/// What the web keeps of a user's API session, server-side (never in the browser): the tokens of one workspace and
/// the workspaces the user may switch to.
/// </summary>
public sealed record ApiTokens(
    string AccessToken,
    string RefreshToken,
    DateTimeOffset AccessTokenExpiresAt,
    Guid WorkspaceId,
    IReadOnlyList<WorkspaceChoice> Workspaces);

/// <summary>A workspace the user is an active member of.</summary>
public sealed record WorkspaceChoice(Guid Id, string Name, string Slug, string Role);

/// <summary>The API's token answer (login, register, refresh, switch).</summary>
internal sealed class AuthTokenResponse
{
    public string AccessToken { get; set; } = "";

    public string RefreshToken { get; set; } = "";

    public int ExpiresIn { get; set; }

    public WorkspaceChoice? Workspace { get; set; }

    public List<WorkspaceChoice>? Workspaces { get; set; }

    /// <summary>The tokens, with the workspaces the answer lists, else <paramref name="knownWorkspaces"/> (a refresh lists none).</summary>
    public ApiTokens ToTokens(TimeProvider clock, IReadOnlyList<WorkspaceChoice>? knownWorkspaces = null) => new(
        AccessToken,
        RefreshToken,
        clock.GetUtcNow().AddSeconds(ExpiresIn),
        Workspace?.Id ?? Guid.Empty,
        Workspaces is { Count: > 0 } ? Workspaces : knownWorkspaces ?? []);
}

/// <summary>The API's <c>GET /api/v1/auth/me</c>.</summary>
public sealed class CurrentUser
{
    public Guid UserId { get; set; }

    public string Email { get; set; } = "";

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public WorkspaceChoice? Workspace { get; set; }

    public string Role { get; set; } = "";

    public string Scope { get; set; } = "";

    public string DisplayName => $"{FirstName} {LastName}".Trim() is { Length: > 0 } name ? name : Email;
}

/// <summary>The user's API session is over (signed out elsewhere, revoked, expired): they must sign in again.</summary>
public sealed class SessionEndedException() : Exception("Your session has ended. Sign in again.");
