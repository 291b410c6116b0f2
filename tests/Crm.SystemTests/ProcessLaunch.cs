using System.Diagnostics;
using System.Text;
using Crm.AppHost.Local;

namespace Crm.SystemTests;

/// <summary>
/// How a running process was started — executable, arguments, working directory and environment — read from /proc,
/// so that it can be started again the same way after it was killed: the local AppHost does not restart a crashed
/// service, as a container orchestrator would, so the test plays the orchestrator. Read it before the kill: /proc
/// forgets a process once it is gone.
/// </summary>
internal sealed class ProcessLaunch
{
    private ProcessLaunch(int pid, string executable, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyList<string> environment)
    {
        Pid = pid;
        Executable = executable;
        Arguments = arguments;
        WorkingDirectory = workingDirectory;
        Environment = environment;
    }

    /// <summary>The process it was read from.</summary>
    public int Pid { get; }

    public string Executable { get; }

    public IReadOnlyList<string> Arguments { get; }

    public string WorkingDirectory { get; }

    /// <summary>NAME=value entries, as in /proc/&lt;pid&gt;/environ.</summary>
    public IReadOnlyList<string> Environment { get; }

    public static ProcessLaunch Read(int pid)
    {
        var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return new ProcessLaunch(
            pid,
            // The executable itself rather than argv[0], which the PATH of whoever started it resolved.
            new FileInfo($"/proc/{pid}/exe").LinkTarget ?? commandLine[0],
            commandLine[1..],
            new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? throw new InvalidOperationException($"No working directory for {pid}"),
            File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Starts it again, output kept; <see cref="RestartedProcess.DisposeAsync"/> stops it.</summary>
    public RestartedProcess Start()
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        // Exactly the environment the AppHost gave it (its marker CRM_APPHOST_DATA included, so that LeftoverProcesses
        // still finds it), not the test runner's.
        startInfo.Environment.Clear();
        foreach (var entry in Environment)
        {
            var parts = entry.Split('=', 2);
            startInfo.Environment[parts[0]] = parts.Length == 2 ? parts[1] : "";
        }
        return RestartedProcess.Start(startInfo);
    }
}

/// <summary>A service the test started again after killing it; its output is kept for failure messages.</summary>
internal sealed class RestartedProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RestartedProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    internal static RestartedProcess Start(ProcessStartInfo startInfo)
    {
        var process = new Process { StartInfo = startInfo };
        var restarted = new RestartedProcess(process);
        process.OutputDataReceived += (_, e) => restarted.Append(e.Data);
        process.ErrorDataReceived += (_, e) => restarted.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return restarted;
    }

    /// <summary>Stops it as the AppHost stops a service: SIGTERM, then SIGKILL if it does not exit in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = ChildProcess.Kill(_process.Id, (int)PosixSignalNumber.Terminate);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
