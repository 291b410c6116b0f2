using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

/// <summary>
/// Applies pending <see cref="MigrationScript"/>s in version order and records each in <c>schema_migrations</c>.
/// Safe to run from every replica at once: runners serialize on a PostgreSQL advisory lock.
/// </summary>
public sealed class MigrationRunner
{
    public const string ActivitySourceName = "Crm.Domain.Migrations";

    /// <summary>
    /// The session-level advisory lock key all runners share ("CRMMIGR\0" as ASCII). Fixed forever: runners of
    /// different builds must contend for the same lock.
    /// </summary>
    public const long AdvisoryLockKey = 0x43524D4D49475200;

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

    public async Task<MigrationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var activity = ActivitySource.StartActivity("migrate database");
        try
        {
            // One connection for the whole run: the advisory lock belongs to its session.
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
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
        // No command timeout: a migration or the wait for the lock may legitimately take long; the token bounds it.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
