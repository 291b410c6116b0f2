using Crm.Domain.Tenancy;
using Npgsql;

namespace Crm.Domain.Search;

public static class SearchIndexerSession
{
    /// <summary>
    /// A connection acting as the search indexer (crm.worker = 'search', no workspace): it writes every workspace's
    /// index rows and lists the workspaces (migration 0018), and reads the indexer's outbox cursor.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await TenantSession.None.ApplyAsync(connection, cancellationToken);
            await using var command = new NpgsqlCommand("SELECT set_config('crm.worker', 'search', false)", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
