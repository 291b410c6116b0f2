using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Crm.AppHost.Local;

/// <summary>
/// A process started by the AppHost: its output is streamed with a coloured name prefix, and it is stopped with
/// a signal of its choosing first (so it can shut down cleanly), then killed if it does not exit in time.
/// </summary>
/// <remarks>
/// Each child runs in a session of its own (setsid), so a Ctrl+C in the terminal reaches only the AppHost, which then
/// stops the children in order: services first, PostgreSQL and Redis last. Should the AppHost itself be killed, the
/// next run finds the orphans through <see cref="DataDirectoryVariable"/> (see <see cref="LeftoverProcesses"/>).
/// </remarks>
internal sealed partial class ChildProcess : IAsyncDisposable
{
    /// <summary>Set on every child (to the data directory) so that leftovers of a run can be found.</summary>
    public const string DataDirectoryVariable = "CRM_APPHOST_DATA";

    private const string Setsid = "/usr/bin/setsid";

    private readonly Process _process;
    private readonly LogSink _log;

    private ChildProcess(string name, Process process, LogSink log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the process; <paramref name="standardInput"/>, if given, is written to its stdin, which is then closed
    /// (for secrets that must not appear on a command line, readable by everyone in /proc).
    /// </summary>
    public static ChildProcess Start(string name, ProcessStartInfo startInfo, LogSink log, string dataDirectory, string? standardInput = null)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.RedirectStandardInput = true;
        startInfo.UseShellExecute = false;
        startInfo.Environment[DataDirectoryVariable] = dataDirectory;
        if (File.Exists(Setsid))
        {
            // setsid execs in place (the child is not a group leader), so the pid we hold is the program's own.
            startInfo.ArgumentList.Insert(0, startInfo.FileName);
            startInfo.FileName = Setsid;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log.Write(name, e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Write(name, e.Data); } };
        process.Exited += (_, _) => log.Write(name, $"exited with code {process.ExitCode}");
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new LocalAppHostException($"Could not start {name} ({startInfo.ArgumentList.FirstOrDefault() ?? startInfo.FileName}): {exception.Message}", exception);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
        }
        process.StandardInput.Close();
        return new ChildProcess(name, process, log);
    }

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills the process.</summary>
    public async Task StopAsync(PosixSignalNumber signal, TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        if (!OperatingSystem.IsWindows())
        {
            _ = Kill(_process.Id, (int)signal);
        }
        using var timeout = new CancellationTokenSource(OperatingSystem.IsWindows() ? TimeSpan.Zero : grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _log.Write(Name, $"did not stop within {grace.TotalSeconds:0} s; killing it");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(PosixSignalNumber.Terminate, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}

/// <summary>Signal numbers as Linux defines them (System.Runtime's PosixSignal values are not the raw numbers).</summary>
internal enum PosixSignalNumber
{
    Interrupt = 2,
    Kill = 9,
    Terminate = 15,
}
