namespace Crm.Web.Components.Shared;

/// <summary>The cancellation sources a component replaces per keystroke or per load.</summary>
public static class Cancellation
{
    /// <summary>
    /// Cancels the previous source (its work stops, or finds its token cancelled and drops its late answer), disposes it,
    /// and starts a new one.
    /// </summary>
    public static CancellationToken Renew(ref CancellationTokenSource? source)
    {
        End(ref source);
        source = new CancellationTokenSource();
        return source.Token;
    }

    /// <summary>Cancels and disposes the source (a component's Dispose). A token read before stays usable: it reads as cancelled.</summary>
    public static void End(ref CancellationTokenSource? source)
    {
        source?.Cancel();
        source?.Dispose();
        source = null;
    }
}
