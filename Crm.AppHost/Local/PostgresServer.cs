using System.Diagnostics;
using Npgsql;

namespace Crm.AppHost.Local;

/// <summary>
/// A PostgreSQL server of the AppHost's own: a data directory under .crm/ (initdb on the first run, reused after),
/// listening on 127.0.0.1 only, on a port away from a system server's 5432, with the database <c>crmdb</c>.
/// PostgreSQL refuses to run as root, so when the AppHost is root the server runs as the <c>postgres</c> user.
/// </summary>
internal sealed class PostgresServer(string dataRoot, int port, string password, LogSink log)
{
    public const string DatabaseName = "crmdb";
    private const string SystemUser = "postgres";

    private readonly string _dataDirectory = Path.Combine(dataRoot, "postgres");

    public int Port => port;

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = "postgres",
        Password = password,
        Database = database,
    }.ConnectionString;

    public async Task<ChildProcess> StartAsync(string marker, CancellationToken cancellationToken)
    {
        var binaries = FindBinaries();
        var runAsPostgres = Environment.UserName == "root";
        if (!File.Exists(Path.Combine(_dataDirectory, "PG_VERSION")))
        {
            await InitializeAsync(binaries, runAsPostgres, cancellationToken);
        }

        var server = ChildProcess.Start("postgres", Command(runAsPostgres, Path.Combine(binaries, "postgres"),
            "-D", _dataDirectory,
            "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "log_line_prefix=%m [%p] "), log, marker);

        await WaitUntilAcceptingAsync(server, cancellationToken);
        await EnsureDatabaseAsync(cancellationToken);
        return server;
    }

    private async Task InitializeAsync(string binaries, bool runAsPostgres, CancellationToken cancellationToken)
    {
        log.Info($"initialising a PostgreSQL data directory in {_dataDirectory}");
        Directory.CreateDirectory(_dataDirectory);
        var passwordFile = Path.Combine(Path.GetDirectoryName(_dataDirectory)!, ".pgpass-init");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (runAsPostgres)
            {
                await RunAsync("chown", ["-R", $"{SystemUser}:{SystemUser}", _dataDirectory, passwordFile], cancellationToken);
            }
            var initdb = Command(runAsPostgres, Path.Combine(binaries, "initdb"),
                "-D", _dataDirectory, "-U", "postgres", "--pwfile", passwordFile,
                "--auth-host=scram-sha-256", "--auth-local=peer", "-E", "UTF8", "--locale=C.UTF-8");
            await RunAsync(initdb.FileName, [.. initdb.ArgumentList], cancellationToken);
        }
        catch (LocalAppHostException exception)
        {
            // A half-made data directory would be mistaken for a good one next time.
            Directory.Delete(_dataDirectory, recursive: true);
            throw runAsPostgres
                ? new LocalAppHostException(
                    $"{exception.Message} As root, PostgreSQL runs as the '{SystemUser}' user, which must be able to reach " +
                    $"{_dataDirectory} (every folder above it world-executable); if it cannot, pass --data-dir elsewhere, e.g. /var/tmp/crm.",
                    exception)
                : exception;
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task WaitUntilAcceptingAsync(ChildProcess server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (!server.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, cancellationToken);
            }
            catch (NpgsqlException exception)
            {
                throw new LocalAppHostException(server.HasExited
                    ? $"PostgreSQL exited with code {server.ExitCode}; its log lines above say why."
                    : "PostgreSQL did not accept connections within 60 s.", exception);
            }
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString("postgres"));
        var exists = await dataSource.CreateCommand($"SELECT 1 FROM pg_database WHERE datname = '{DatabaseName}'")
            .ExecuteScalarAsync(cancellationToken) is not null;
        if (!exists)
        {
            log.Info($"creating database {DatabaseName}");
            await dataSource.CreateCommand($"CREATE DATABASE {DatabaseName}").ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The server binaries: CRM_PG_BIN if set, else the newest /usr/lib/postgresql/N/bin, else PATH.</summary>
    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("CRM_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")) && File.Exists(Path.Combine(d, "initdb")));

        return debian ?? onPath ?? throw new LocalAppHostException(
            "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH). Run scripts/setup.sh, or set CRM_PG_BIN.");
    }

    /// <summary>A command, run as the postgres user when we are root (setpriv keeps it a direct child, unlike su).</summary>
    private static ProcessStartInfo Command(bool runAsPostgres, string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(runAsPostgres ? "setpriv" : fileName);
        if (runAsPostgres)
        {
            foreach (var argument in new[] { $"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", "--", fileName })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        return startInfo;
    }

    private async Task RunAsync(string fileName, string[] arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        using var process = Process.Start(startInfo) ?? throw new LocalAppHostException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            foreach (var line in ((await output) + (await errors)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                log.Write("postgres", line);
            }
            throw new LocalAppHostException($"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode} (output above).");
        }
    }
}
