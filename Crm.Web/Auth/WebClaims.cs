using System.Security.Claims;

namespace Crm.Web.Auth;

/// <summary>The claims of the web's cookie: who the user is and which workspace they work in, for the layout.</summary>
public static class WebClaims
{
    public const string SessionId = "crm:sid";
    public const string WorkspaceId = "crm:workspace_id";
    public const string WorkspaceName = "crm:workspace_name";
    public const string Scope = "crm:scope";

    public static string DisplayName(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Name)?.Value ?? "";

    public static string Email(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Email)?.Value ?? "";

    public static string WorkspaceNameOf(this ClaimsPrincipal user) => user.FindFirst(WorkspaceName)?.Value ?? "";

    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(ClaimTypes.NameIdentifier)?.Value, out var id) ? id : Guid.Empty;

    public static string Role(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.Role)?.Value ?? "";

    /// <summary>Owners and admins manage members, API keys and custom fields (the API checks it again).</summary>
    public static bool IsAdmin(this ClaimsPrincipal user) => user.Role() is "owner" or "admin";

    /// <summary>Owners, admins and managers change pipelines and other workspace configuration.</summary>
    public static bool CanConfigure(this ClaimsPrincipal user) => user.Role() is "owner" or "admin" or "manager";

    /// <summary>Everyone but viewers writes records.</summary>
    public static bool CanWrite(this ClaimsPrincipal user) => user.Role() is not ("viewer" or "");

    internal static ClaimsPrincipal Create(string sessionId, CurrentUser me) => new(new ClaimsIdentity(
    [
        new Claim(SessionId, sessionId),
        new Claim(ClaimTypes.NameIdentifier, me.UserId.ToString()),
        new Claim(ClaimTypes.Name, me.DisplayName),
        new Claim(ClaimTypes.Email, me.Email),
        new Claim(ClaimTypes.Role, me.Role),
        new Claim(Scope, me.Scope),
        new Claim(WorkspaceId, me.Workspace?.Id.ToString() ?? ""),
        new Claim(WorkspaceName, me.Workspace?.Name ?? ""),
    ], "crm-web"));
}
