namespace Crm.Web.Components.Account;

/// <summary>Where to go after signing in: only a path of this site, never another site's address (open redirect).</summary>
public static class LocalUrl
{
    public static string OrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
