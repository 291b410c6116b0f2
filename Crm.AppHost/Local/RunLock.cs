namespace Crm.AppHost.Local;

/// <summary>
/// One AppHost per data directory: an exclusive lock on <c>apphost.lock</c> for the AppHost's lifetime (the OS releases
/// it if the process dies). Without it a second run would take the first run's live processes for leftovers.
/// </summary>
internal static class RunLock
{
    public static IDisposable Acquire(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "apphost.lock");
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new LocalAppHostException(
                $"Another AppHost is running on {dataDirectory}. Stop it first, or pass --data-dir for a separate one.");
        }
    }
}
