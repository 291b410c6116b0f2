namespace Crm.AppHost.Local;

internal static class Polling
{
    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true; fails with a clear message when <paramref name="server"/>
    /// exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> probe, ChildProcess server, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await probe())
        {
            if (server.HasExited)
            {
                throw new LocalAppHostException($"{what} exited with code {server.ExitCode}; its log lines above say why.");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new LocalAppHostException($"{what} was not ready within {timeout.TotalSeconds:0} s; its log lines above may say why.");
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
