using Npgsql;

namespace Crm.AiWorker.Features.Jobs;

/// <summary>
/// The workspaces the worker's scheduled jobs visit, from crm_ai_workspaces() (migration 0019): the services' login
/// sees no workspace outside a workspace's session, so the list comes through a function that answers only the AI
/// worker's own session (crm.worker = 'ai').
/// </summary>
public sealed class AiWorkspaces(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<Guid>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenWorkerSessionAsync(dataSource, cancellationToken);
        await using var command = new NpgsqlCommand("SELECT crm_ai_workspaces()", connection);
        var workspaces = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            workspaces.Add(reader.GetGuid(0));
        }
        return workspaces;
    }

    /// <summary>A connection in the worker's own session: the application role, no workspace, crm.worker = 'ai'.</summary>
    public static async Task<NpgsqlConnection> OpenWorkerSessionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT set_config('role', 'crm_app', false), set_config('crm.worker', 'ai', false)", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
