namespace Crm.Web.Components.Layout;

/// <summary>
/// Messages an HTTP endpoint leaves for the next page (<c>?notice=code</c>): fixed texts by code, so that a link cannot
/// make the page say anything else.
/// </summary>
public static class Notices
{
    public const string SwitchFailed = "switch-failed";

    public static string? Text(string? code) => code switch
    {
        SwitchFailed => "The workspace could not be switched: you may no longer be a member of it, or the CRM service is unreachable. Try again.",
        _ => null,
    };
}
