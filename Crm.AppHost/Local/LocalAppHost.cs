using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Crm.AppHost.Local;

/// <summary>
/// Local mode (DESIGN.md section 4): PostgreSQL and Redis, then the four services as processes configured the way
/// Aspire would configure them; waits for every /health, prints a status table, streams prefixed logs, and on
/// Ctrl+C, SIGTERM or SIGHUP stops everything in reverse order.
/// </summary>
internal sealed class LocalAppHost(LocalOptions options)
{
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// What the AppHost's own environment may carry but a service must only get when the AppHost decides to hand it
    /// on (see <see cref="ServiceDefinition.Environment"/>), as under Aspire.
    /// </summary>
    private static readonly string[] ResourceVariablePrefixes = ["ConnectionStrings__", "services__", "OTEL_", "ASPIRE_"];

    private readonly LogSink _log = new(nameWidth: 8);
    private readonly List<ChildProcess> _processes = [];

    public async Task<int> RunAsync()
    {
        using var shutdown = new CancellationTokenSource();
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestShutdown);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestShutdown);
        using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, RequestShutdown);

        void RequestShutdown(PosixSignalContext context)
        {
            context.Cancel = true; // we stop the children ourselves, then exit
            shutdown.Cancel();
        }

        try
        {
            Directory.CreateDirectory(options.DataDirectory);
            using var runLock = RunLock.Acquire(options.DataDirectory);
            try
            {
                await StartAsync(shutdown.Token);
                await Task.Delay(Timeout.Infinite, shutdown.Token);
                return 0;
            }
            finally
            {
                await StopAllAsync();
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            return 0;
        }
        catch (LocalAppHostException exception)
        {
            _log.Info($"error: {exception.Message}");
            return 1;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or Npgsql.NpgsqlException)
        {
            _log.Info($"error: {exception.GetType().Name}: {exception.Message}");
            return 1;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = options.DataDirectory;
        await LeftoverProcesses.StopAsync(dataDirectory, _log);

        var ports = PortPlan.From(options.PortBase);
        var services = options.InfraOnly ? [] : ServiceDefinition.All;
        foreach (var (owner, port) in new[] { ("postgres", ports.Postgres), ("redis", ports.Redis) }
                     .Concat(services.Select(s => (s.Name, ports.For(s.Name)))))
        {
            PortPlan.EnsureAvailable(owner, port);
        }

        var secrets = LocalSecrets.LoadOrCreate(dataDirectory);
        var postgres = new PostgresServer(dataDirectory, ports.Postgres, secrets.PostgresPassword, secrets.PostgresServicePassword!, _log);
        var redis = new RedisServer(dataDirectory, ports.Redis, secrets.RedisPassword, _log);

        // Both servers start in parallel; each is tracked as soon as it runs, so a failure in either stops both.
        await Task.WhenAll(postgres.StartAsync(Track, cancellationToken), redis.StartAsync(Track, cancellationToken));

        var connections = new DataConnections(postgres.ServiceConnectionString, postgres.ConnectionString(PostgresServer.DatabaseName), redis.ConnectionString);
        var demo = options.Demo && !options.InfraOnly ? new DemoLogin(DemoLogin.DefaultEmail, secrets.DemoPassword!) : null;
        foreach (var service in services)
        {
            Track(StartService(service, service.Environment(ports, connections, secrets.DataProtectionKey!, demo, Environment.GetEnvironmentVariable)));
        }

        var states = await Task.WhenAll(services.Select(s => WaitUntilHealthyAsync(s, ports, cancellationToken)));
        var table = new StatusTable();
        table.Add("postgres", "Running", $"127.0.0.1:{ports.Postgres} database {PostgresServer.DatabaseName}");
        table.Add("redis", "Running", $"127.0.0.1:{ports.Redis}");
        foreach (var (service, state) in services.Zip(states))
        {
            table.Add(service.Name, state, ServiceDefinition.Url(ports.For(service.Name)));
        }
        _log.Print($"{Environment.NewLine}{table}");
        if (demo is not null && services.Zip(states).Any(x => x.First.FillsDemo && x.Second == HealthState.Healthy))
        {
            _log.Print(demo.Describe(ServiceDefinition.Url(ports.Web), ServiceDefinition.Url(ports.Api)) + Environment.NewLine);
        }

        if (options.EnvFile is { } envFile)
        {
            await WriteEnvFileAsync(envFile, ports, postgres, redis, services, cancellationToken);
        }
        _log.Print((options.InfraOnly
            ? "PostgreSQL and Redis are running. Press Ctrl+C to stop."
            : $"The CRM is running: open {ServiceDefinition.Url(ports.Web)}. Press Ctrl+C to stop everything.") + Environment.NewLine + Environment.NewLine);

        if (states.Any(s => s != HealthState.Healthy))
        {
            _log.Info("not every service is healthy; their log lines above say why");
        }
    }

    private void Track(ChildProcess process)
    {
        lock (_processes)
        {
            _processes.Add(process);
        }
    }

    private ChildProcess StartService(ServiceDefinition service, Dictionary<string, string> environment)
    {
        var projectDirectory = Path.Combine(options.RepositoryRoot, service.Project);
        var assembly = Path.Combine(projectDirectory, "bin", options.BuildConfiguration, "net10.0", $"{service.Project}.dll");
        if (!File.Exists(assembly))
        {
            throw new LocalAppHostException($"{assembly} is missing. Build the solution first: dotnet build Crm.sln");
        }

        // Started the way `dotnet run` would: the project directory is the content root.
        var startInfo = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDirectory };
        startInfo.ArgumentList.Add(assembly);
        foreach (var inherited in startInfo.Environment.Keys.Where(k => ResourceVariablePrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            startInfo.Environment.Remove(inherited);
        }
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }
        return ChildProcess.Start(service.Name, startInfo, _log, options.DataDirectory);
    }

    private async Task<string> WaitUntilHealthyAsync(ServiceDefinition service, PortPlan ports, CancellationToken cancellationToken)
    {
        ChildProcess process;
        lock (_processes)
        {
            process = _processes.Single(p => p.Name == service.Name);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthUrl = $"{ServiceDefinition.Url(ports.For(service.Name))}/health";
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < HealthTimeout)
        {
            if (process.HasExited)
            {
                return $"Exited ({process.ExitCode})";
            }
            try
            {
                using var response = await http.GetAsync(healthUrl, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return HealthState.Healthy;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // a health check that took longer than the client's timeout
            }
            await Task.Delay(250, cancellationToken);
        }
        return HealthState.Unhealthy;
    }

    private static async Task WriteEnvFileAsync(string path, PortPlan ports, PostgresServer postgres, RedisServer redis,
        ServiceDefinition[] services, CancellationToken cancellationToken)
    {
        var lines = new List<string>
        {
            $"CRM_POSTGRES='{postgres.ServiceConnectionString}'",
            $"CRM_POSTGRES_OWNER='{postgres.ConnectionString(PostgresServer.DatabaseName)}'",
            $"CRM_POSTGRES_ADMIN='{postgres.ConnectionString("postgres")}'",
            $"CRM_REDIS='{redis.ConnectionString}'",
        };
        lines.AddRange(services.Select(s => $"CRM_{s.Name.ToUpperInvariant()}_URL='{ServiceDefinition.Url(ports.For(s.Name))}'"));

        // Written to a temporary name and moved, so a reader polling for the file never sees half of it.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllLinesAsync(path + ".tmp", lines, cancellationToken);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>Services first (SIGTERM, 15 s grace), then Redis (SIGTERM) and PostgreSQL (SIGINT, its fast shutdown).</summary>
    private async Task StopAllAsync()
    {
        List<ChildProcess> processes;
        lock (_processes)
        {
            processes = [.. _processes];
            _processes.Clear();
        }
        if (processes.Count == 0)
        {
            return;
        }

        _log.Info("stopping");
        var services = processes.Where(p => p.Name is not ("postgres" or "redis")).ToList();
        await Task.WhenAll(services.Select(p => p.StopAsync(PosixSignalNumber.Terminate, TimeSpan.FromSeconds(15))));
        await Task.WhenAll(processes.Except(services).Select(p =>
            p.StopAsync(p.Name == "postgres" ? PosixSignalNumber.Interrupt : PosixSignalNumber.Terminate, TimeSpan.FromSeconds(15))));
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }
        _log.Info("stopped");
    }

    private static class HealthState
    {
        public const string Healthy = "Healthy";
        public const string Unhealthy = "Unhealthy";
    }
}
