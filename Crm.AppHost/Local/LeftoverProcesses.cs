using System.Text;

namespace Crm.AppHost.Local;

/// <summary>
/// Finds processes that an earlier run on the same data directory left behind (the AppHost itself was killed with
/// SIGKILL, say): every child carries <see cref="ChildProcess.DataDirectoryVariable"/> in its environment.
/// Used at start, to clean up before reusing ports and data, and by the system test, to prove nothing is left.
/// </summary>
public static class LeftoverProcesses
{
    public static IReadOnlyList<int> Find(string dataDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var marker = Encoding.UTF8.GetBytes($"{ChildProcess.DataDirectoryVariable}={dataDirectory}\0");
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId &&
                ReadEnvironment(pid) is { } environment && environment.AsSpan().IndexOf(marker) >= 0)
            {
                found.Add(pid);
            }
        }
        return found;
    }

    internal static async Task StopAsync(string dataDirectory, LogSink log)
    {
        var leftovers = Find(dataDirectory);
        if (leftovers.Count == 0)
        {
            return;
        }

        log.Info($"stopping {leftovers.Count} process(es) left over from an earlier run on {dataDirectory}");
        foreach (var pid in leftovers)
        {
            // PostgreSQL's SIGTERM waits for its clients to leave; SIGINT is its fast shutdown.
            var signal = ReadName(pid) == "postgres" ? PosixSignalNumber.Interrupt : PosixSignalNumber.Terminate;
            _ = ChildProcess.Kill(pid, (int)signal);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Find(dataDirectory).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        foreach (var pid in Find(dataDirectory))
        {
            _ = ChildProcess.Kill(pid, (int)PosixSignalNumber.Kill);
        }
    }

    private static string? ReadName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static byte[]? ReadEnvironment(int pid)
    {
        try
        {
            return File.ReadAllBytes($"/proc/{pid}/environ");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or another user's process: not ours
        }
    }
}
