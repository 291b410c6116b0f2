using Npgsql;

namespace Crm.Domain.Tests.Migrations;

/// <summary>Reads the database directly, so assertions do not go through the code under test.</summary>
internal static class DataSourceQueries
{
    public static async Task<T> ScalarAsync<T>(this NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The first column of every row, as text.</summary>
    public static async Task<List<string>> QueryStringsAsync(this NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    public static Task<bool> TableExistsAsync(this NpgsqlDataSource dataSource, string table) =>
        dataSource.ScalarAsync<bool>($"SELECT to_regclass('{table}') IS NOT NULL");

    public static async Task<List<AppliedMigration>> ReadAppliedMigrationsAsync(this NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT version, description, checksum, applied_by FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<AppliedMigration>();
        while (await reader.ReadAsync())
        {
            rows.Add(new AppliedMigration(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return rows;
    }
}

internal sealed record AppliedMigration(string Version, string Description, string Checksum, string AppliedBy);
