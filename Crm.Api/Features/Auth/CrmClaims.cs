namespace Crm.Api.Features.Auth;

/// <summary>
/// The CRM's claims in access and refresh tokens, next to Identity's own (NameIdentifier = user id, Name, Email and
/// the security stamp).
/// </summary>
public static class CrmClaims
{
    /// <summary>The workspace the token acts for.</summary>
    public const string Workspace = "crm:workspace";

    /// <summary>The member's role in that workspace, lower_snake (owner, admin, manager, sales_rep, ...).</summary>
    public const string Role = "crm:role";

    /// <summary>The member's record scope: all, team or own.</summary>
    public const string Scope = "crm:scope";

    /// <summary>The sign-in session (<c>user_sessions</c>) the token belongs to; revoking it ends the token.</summary>
    public const string Session = "crm:session";
}
