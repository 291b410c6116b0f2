using System.Diagnostics;
using System.Text;
using Crm.AppHost.Local;

namespace Crm.SystemTests;

/// <summary>
/// One run of Crm.AppHost in local mode on free ports, as <c>dotnet run --project Crm.AppHost</c> would start it,
/// with its output kept for the failure message. Ready once the AppHost writes its --env-file.
/// </summary>
internal sealed class AppHostRun : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHostRun(Process process, string dataDirectory, IReadOnlyDictionary<string, string> addresses)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Addresses = addresses;
    }

    public string DataDirectory { get; }

    /// <summary>The --env-file's NAME=value pairs: CRM_API_URL, CRM_WEB_URL, ..., CRM_POSTGRES (the service login), CRM_POSTGRES_OWNER, CRM_REDIS.</summary>
    public IReadOnlyDictionary<string, string> Addresses { get; private set; }

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

    /// <summary>
    /// Starts the AppHost. Without <paramref name="demo"/> it runs with --no-demo; with it, the demo workspace is small
    /// (Demo__* counts in the AppHost's environment, which its services inherit) so that filling it does not slow the run.
    /// </summary>
    public static async Task<AppHostRun> StartAsync(string dataDirectory, bool demo = false)
    {
        var options = LocalOptions.Parse([]);
        var appHost = Path.Combine(options.RepositoryRoot, "Crm.AppHost", "bin", options.BuildConfiguration, "net10.0", "Crm.AppHost.dll");
        var envFile = Path.Combine(dataDirectory, "apphost.env");
        File.Delete(envFile);

        // In a session of its own with SIGINT handled by default, as a terminal starts it (a test runner started in the
        // background may have SIGINT ignored, which children inherit): Ctrl+C (see StopAsync) reaches its process group.
        var startInfo = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        string[] demoArguments = demo ? [] : ["--no-demo"];
        string[] demoCounts = demo ? ["Demo__Companies=20", "Demo__Contacts=50", "Demo__Leads=20", "Demo__Deals=14", "Demo__Activities=50", "Demo__Notes=20"] : [];
        // The tests poll the API for minutes as one user (the reliability suite's waits): the per-user rate limit and
        // the 15-minute access token would fail them on a slow machine, and neither is what these tests are about.
        string[] testLimits = ["RateLimits__UserPerMinute=1000000", "RateLimits__WorkspacePerMinute=1000000", "Auth__AccessTokenLifetime=02:00:00"];
        foreach (var argument in new[] { "env", "--default-signal=INT" }.Concat(demoCounts).Concat(testLimits)
                     .Concat(["dotnet", appHost, "--data-dir", dataDirectory, "--port-base", "0", "--env-file", envFile]).Concat(demoArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = startInfo };
        var run = new AppHostRun(process, dataDirectory, new Dictionary<string, string>());
        process.OutputDataReceived += (_, e) => run.Append(e.Data);
        process.ErrorDataReceived += (_, e) => run.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!File.Exists(envFile))
        {
            if (process.HasExited)
            {
                // Its last lines may still be in flight to the output handlers; this overload waits for them.
                process.WaitForExit();
                throw new InvalidOperationException($"The AppHost exited with code {process.ExitCode} before it was ready:\n{run.Output}");
            }
            if (deadline.Elapsed > StartTimeout)
            {
                await run.DisposeAsync();
                throw new TimeoutException($"The AppHost was not ready within {StartTimeout}:\n{run.Output}");
            }
            await Task.Delay(100);
        }

        run.Addresses = (await File.ReadAllLinesAsync(envFile))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));
        return run;
    }

    /// <summary>
    /// Stops the AppHost as a service manager does (SIGTERM to the process) or as Ctrl+C in a terminal does (SIGINT to
    /// the whole foreground process group), and returns its exit code.
    /// </summary>
    public async Task<int> StopAsync(StopSignal signal = StopSignal.Terminate)
    {
        if (!_process.HasExited)
        {
            var pid = _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string[] arguments = signal == StopSignal.CtrlC ? ["-INT", "--", $"-{pid}"] : ["-TERM", pid];
            using var kill = Process.Start("kill", arguments);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(StopTimeout);
            await _process.WaitForExitAsync(timeout.Token);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
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

internal enum StopSignal
{
    Terminate,
    CtrlC,
}
