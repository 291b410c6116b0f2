using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Crm.AppHost.Local;

/// <summary>
/// A PostgreSQL server of the AppHost's own: a data directory under .crm/ (initdb on the first run, reused after),
/// listening on 127.0.0.1 only, on a port away from a system server's 5432, with the database <c>crmdb</c>.
/// PostgreSQL refuses to run as root, so when the AppHost is root the server runs as the <c>postgres</c> user.
/// </summary>
internal sealed class PostgresServer(string dataRoot, int port, string password, string servicePassword, LogSink log)
{
    public const string DatabaseName = "crmdb";

    /// <summary>
    /// The login the services use outside migrations; it owns nothing, so row-level security holds for it. The services
    /// create it at their first start (Crm.Domain's ServiceLogin), as the owner (the superuser postgres here).
    /// </summary>
    public const string ServiceUser = "crm_service";

    /// <summary>The major version scripts/setup.sh builds pgvector for; a new data directory uses it.</summary>
    private const string PreferredMajorVersion = "15";
    private const string SystemUser = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string _dataDirectory = Path.Combine(dataRoot, "postgres");

    /// <summary>The superuser's connection string: the AppHost's own, and the services' for migrations (crmdb-owner).</summary>
    public string ConnectionString(string database) => ConnectionString(database, "postgres", password);

    /// <summary>The service login's connection string to crmdb (the services' crmdb).</summary>
    public string ServiceConnectionString => ConnectionString(DatabaseName, ServiceUser, servicePassword);

    private string ConnectionString(string database, string user, string userPassword) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = port,
        Username = user,
        Password = userPassword,
        Database = database,
    }.ConnectionString;

    /// <summary>Starts the server, hands it to <paramref name="track"/> at once (so it is stopped even if waiting fails), then waits until crmdb exists.</summary>
    public async Task StartAsync(Action<ChildProcess> track, CancellationToken cancellationToken)
    {
        var runAsPostgres = Environment.UserName == "root";
        var versionFile = Path.Combine(_dataDirectory, "PG_VERSION");
        var binaries = FindBinaries(File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : PreferredMajorVersion);
        if (!File.Exists(versionFile))
        {
            await InitializeAsync(binaries, runAsPostgres, cancellationToken);
        }

        var server = ChildProcess.Start("postgres", Command(runAsPostgres, Path.Combine(binaries, "postgres"),
            "-D", _dataDirectory,
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "log_line_prefix=%m [%p] "), log, dataRoot);
        track(server);

        await Polling.UntilAsync(() => AcceptsConnectionsAsync(cancellationToken), server, StartTimeout, "PostgreSQL", cancellationToken);
        await EnsureDatabaseAsync(cancellationToken);
    }

    private async Task InitializeAsync(string binaries, bool runAsPostgres, CancellationToken cancellationToken)
    {
        log.Info($"initialising a PostgreSQL data directory in {_dataDirectory}");
        Directory.CreateDirectory(_dataDirectory);
        var passwordFile = Path.Combine(dataRoot, ".pgpass-init");
        LocalSecrets.WriteOwnerOnly(passwordFile, password);

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
        catch (Exception exception)
        {
            // A half-made data directory would be mistaken for a good one next time.
            Directory.Delete(_dataDirectory, recursive: true);
            if (exception is LocalAppHostException && runAsPostgres)
            {
                throw new LocalAppHostException(
                    $"{exception.Message} As root, PostgreSQL runs as the '{SystemUser}' user, which must be able to reach " +
                    $"{_dataDirectory} (every folder above it world-executable); if it cannot, pass --data-dir elsewhere, e.g. /var/tmp/crm.",
                    exception);
            }
            throw;
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private async Task<bool> AcceptsConnectionsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync(cancellationToken);
            return true;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            throw new LocalAppHostException(
                $"PostgreSQL in {_dataDirectory} rejects the password in {Path.Combine(dataRoot, "secrets.json")}. " +
                "Restore that file, or delete the whole data directory to start over.", exception);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CannotConnectNow)
        {
            return false; // still starting up or recovering
        }
        catch (NpgsqlException exception) when (exception is not PostgresException)
        {
            return false; // not listening yet
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

    /// <summary>
    /// The server binaries: CRM_PG_BIN if set, else Debian's /usr/lib/postgresql/{version}/bin (the data directory's
    /// version, or 15 for a new one), else PATH.
    /// </summary>
    private static string FindBinaries(string majorVersion)
    {
        if (Environment.GetEnvironmentVariable("CRM_PG_BIN") is { Length: > 0 } configured)
        {
            return configured;
        }

        var debian = $"/usr/lib/postgresql/{majorVersion}/bin";
        if (File.Exists(Path.Combine(debian, "postgres")))
        {
            return debian;
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")) && File.Exists(Path.Combine(d, "initdb")));
        return onPath ?? throw new LocalAppHostException(
            $"PostgreSQL {majorVersion} server binaries not found (looked in {debian} and PATH). Run scripts/setup.sh, or set CRM_PG_BIN.");
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
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
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
