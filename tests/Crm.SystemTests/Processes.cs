using System.Diagnostics;

namespace Crm.SystemTests;

/// <summary>The processes of a run, found in /proc by their command line, and killed as a crash would kill them.</summary>
internal static class Processes
{
    /// <summary>Every process id on the machine.</summary>
    public static IEnumerable<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(name => int.TryParse(name, out var pid) ? pid : 0).Where(pid => pid > 0);

    /// <summary>The one process among <paramref name="pids"/> whose command line contains <paramref name="name"/>.</summary>
    public static int Find(IEnumerable<int> pids, string name) =>
        Assert.Single(pids, pid => CommandLine(pid).Contains(name, StringComparison.Ordinal));

    /// <summary>SIGKILLs the process among <paramref name="pids"/> whose command line contains <paramref name="name"/>.</summary>
    public static void Kill(IEnumerable<int> pids, string name) => Kill(Find(pids, name));

    /// <summary>SIGKILLs <paramref name="pid"/> (no chance to clean up, as in a crash) and waits until it is gone.</summary>
    public static void Kill(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>The command line, arguments separated by spaces; empty for a process that is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return ""; // gone meanwhile
        }
    }
}
