using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

/// <summary>
/// Applies pending <see cref="MigrationScript"/>s in version order and records each in <c>schema_migrations</c>.
/// Safe to run from every replica at once: runners serialize on a PostgreSQL advisory lock. A runner that finds the
/// lock taken polls for it and logs which PostgreSQL backend holds it, so a stuck deploy shows what it waits for.
/// </summary>
public sealed class MigrationRunner
{
    public const string ActivitySourceName = "Crm.Domain.Migrations";

    /// <summary>
    /// The session-level advisory lock key all runners share ("CRMMIGR\0" as ASCII). Fixed forever: runners of
    /// different builds must contend for the same lock.
    /// </summary>
    public const long AdvisoryLockKey = 0x43524D4D49475200;

    /// <summary>How often a runner that finds the lock taken tries again.</summary>
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a runner still waiting for the lock repeats the "Waiting for another migration runner" line.</summary>
    private static readonly TimeSpan LockWaitLogInterval = TimeSpan.FromSeconds(10);

    private static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<MigrationScript> _scripts;
    private readonly string _appliedBy;
    private readonly ILogger<MigrationRunner> _logger;

    /// <param name="dataSource">The database to migrate.</param>
    /// <param name="scripts">The migrations this build knows, in any order (see <see cref="MigrationScript.LoadEmbedded"/>).</param>
    /// <param name="appliedBy">Who runs the migrations, recorded per row (at most 100 characters), e.g. <c>crm-api@host-1</c>.</param>
    /// <param name="logger">Receives what was applied and how long each file took.</param>
    public MigrationRunner(NpgsqlDataSource dataSource, IEnumerable<MigrationScript> scripts, string appliedBy, ILogger<MigrationRunner> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appliedBy);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(appliedBy.Length, 100, nameof(appliedBy));
        _dataSource = dataSource;
        _scripts = MigrationScript.InVersionOrder(scripts);
        _appliedBy = appliedBy;
        _logger = logger;
    }

    /// <summary>
    /// Takes the advisory lock (waiting, with an Information line every <see cref="LockWaitLogInterval"/>, while
    /// another runner holds it), then applies what is pending.
    /// </summary>
    /// <param name="cancellationToken">Ends the wait for the lock, or a migration in progress (which is rolled back).</param>
    /// <exception cref="MigrationException">A file was changed after it was applied, or a file failed.</exception>
    /// <exception cref="NpgsqlException">The database could not be reached or the connection broke.</exception>
    public async Task<MigrationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var activity = ActivitySource.StartActivity("migrate database");
        try
        {
            // One connection for the whole run: the advisory lock belongs to its session.
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await AcquireLockAsync(connection, cancellationToken);
            try
            {
                var result = await MigrateAsync(connection, cancellationToken);
                activity?.SetTag("crm.migrations.applied", result.AppliedVersions.Count);
                activity?.SetTag("crm.migrations.schema_version", result.SchemaVersion);
                return result;
            }
            finally
            {
                // A broken connection is discarded, and its session (and lock) ends with it.
                if (connection.FullState == ConnectionState.Open)
                {
                    await ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, ("key", AdvisoryLockKey));
                }
            }
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// Polls <c>pg_try_advisory_lock</c> until it succeeds, rather than blocking in <c>pg_advisory_lock</c>: the wait
    /// is logged with the holder's pid and ends promptly on cancellation. Returns only once the lock is held.
    /// </summary>
    private async Task AcquireLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        Stopwatch? waiting = null;
        var nextLog = TimeSpan.Zero;
        while (!await TryLockAsync(connection))
        {
            waiting ??= Stopwatch.StartNew();
            // No holder found: it released the lock since the attempt, and the next attempt will likely succeed.
            if (waiting.Elapsed >= nextLog && await FindLockHolderAsync(connection, cancellationToken) is { } holderPid)
            {
                if (nextLog == TimeSpan.Zero)
                {
                    _logger.LogInformation("Waiting for another migration runner (PostgreSQL pid {HolderPid}) to finish", holderPid);
                }
                else
                {
                    _logger.LogInformation(
                        "Waiting for another migration runner (PostgreSQL pid {HolderPid}) to finish; waited {WaitedSeconds} s so far",
                        holderPid, (int)waiting.Elapsed.TotalSeconds);
                }

                nextLog = waiting.Elapsed + LockWaitLogInterval;
            }

            await Task.Delay(LockPollInterval, cancellationToken);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection)
    {
        // Deliberately not cancellable: the call returns at once, and cancelling it after the server granted the lock
        // would leave the lock held by a pooled session that nobody unlocks.
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The pid of the backend holding the advisory lock in this database, or null if none does (any more).</summary>
    private static async Task<int?> FindLockHolderAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // pg_locks shows a lock taken with a bigint key as classid = its high 32 bits, objid = its low 32 bits and
        // objsubid = 1 (two int4 keys give objsubid = 2). Advisory locks are per database.
        await using var command = new NpgsqlCommand("""
            SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid::bigint = ((@key >> 32) & 4294967295)
              AND objid::bigint = (@key & 4294967295)
            LIMIT 1
            """, connection);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        return await command.ExecuteScalarAsync(cancellationToken) as int?;
    }

    private async Task<MigrationResult> MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version varchar(20) PRIMARY KEY,
                description text NOT NULL,
                checksum char(64) NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now(),
                applied_by varchar(100) NOT NULL
            )
            """, cancellationToken);

        var applied = await ReadAppliedAsync(connection, cancellationToken);
        VerifyUnchanged(applied);
        WarnAboutUnknown(applied);

        var pending = _scripts.Where(script => !applied.ContainsKey(script.Version)).ToList();
        var appliedVersions = new List<string>(pending.Count);
        foreach (var script in pending)
        {
            await ApplyAsync(connection, script, cancellationToken);
            appliedVersions.Add(script.Version);
        }

        var schemaVersion = applied.Keys.Concat(appliedVersions).Max(StringComparer.Ordinal);
        if (appliedVersions.Count == 0)
        {
            _logger.LogInformation("Database schema is up to date at version {SchemaVersion}", schemaVersion);
        }
        else
        {
            _logger.LogInformation("Applied {Count} migration(s); database schema is at version {SchemaVersion}", appliedVersions.Count, schemaVersion);
        }

        return new MigrationResult(appliedVersions, schemaVersion);
    }

    private static async Task<Dictionary<string, string>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetString(0), reader.GetString(1));
        }

        return applied;
    }

    private void VerifyUnchanged(Dictionary<string, string> applied)
    {
        foreach (var script in _scripts)
        {
            if (applied.TryGetValue(script.Version, out var checksum) && checksum != script.Checksum)
            {
                throw new MigrationException(
                    $"Migration {script.FileName} was changed after it was applied (checksum {checksum} in database, " +
                    $"{script.Checksum} in file); migrations are append-only: add a new file instead.");
            }
        }
    }

    private void WarnAboutUnknown(Dictionary<string, string> applied)
    {
        // A newer build has already migrated this database (a rolling deploy): its additions are backward compatible
        // by convention, so this older build keeps running.
        var known = _scripts.Select(script => script.Version).ToHashSet(StringComparer.Ordinal);
        var unknown = applied.Keys.Where(version => !known.Contains(version)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            _logger.LogWarning(
                "Database has migrations this build does not know ({Versions}); a newer build applied them. Continuing",
                string.Join(", ", unknown));
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken cancellationToken)
    {
        using var activity = ActivitySource.StartActivity($"apply {script.FileName}");
        var stopwatch = Stopwatch.StartNew();

        // The file and its history row commit together, so a failing file leaves nothing behind.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ExecuteAsync(connection, script.Sql, cancellationToken);
        }
        catch (PostgresException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.MessageText);
            throw new MigrationException($"Migration {script.FileName} failed and was rolled back: {Describe(ex)}", ex);
        }

        await ExecuteAsync(connection,
            "INSERT INTO schema_migrations (version, description, checksum, applied_by) VALUES (@version, @description, @checksum, @appliedBy)",
            cancellationToken,
            ("version", script.Version), ("description", script.Description), ("checksum", script.Checksum), ("appliedBy", _appliedBy));
        await transaction.CommitAsync(cancellationToken);

        _logger.LogInformation("Applied migration {FileName} in {ElapsedMilliseconds} ms", script.FileName, stopwatch.ElapsedMilliseconds);
    }

    private static string Describe(PostgresException ex)
    {
        var description = $"{ex.SqlState}: {ex.MessageText}";
        if (ex.Detail is not null)
        {
            description += $" Detail: {ex.Detail}";
        }

        if (ex.Hint is not null)
        {
            description += $" Hint: {ex.Hint}";
        }

        // Npgsql sends a file statement by statement, so PostgreSQL counts the position from the failing statement.
        return ex.Position > 0 ? $"{description} (at character {ex.Position} of the failing statement)" : description;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        // No command timeout: a migration may legitimately take long; the token bounds it.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
