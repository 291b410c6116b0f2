using Npgsql;

namespace Crm.Testing;

/// <summary>
/// A freshly created, uniquely named database on the test server, dropped on dispose. Each test gets its own, so
/// tests run in parallel without seeing each other's data.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private TestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestDatabase> CreateAsync(CancellationToken cancellationToken = default)
    {
        var serverConnectionString = TestServers.PostgresConnectionString;
        var name = $"crm_test_{Guid.NewGuid():N}"[..21];
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase(serverConnectionString, name, connectionString);
    }

    /// <summary>
    /// Users and the workspaces Alpha and Beta, written as the owner (row-level security does not apply): what a
    /// service test acts in.
    /// </summary>
    public async Task SeedWorkspacesAsync(Guid alpha, Guid beta, params Guid[] users)
    {
        await using var batch = DataSource.CreateBatch();
        for (var i = 0; i < users.Length; i++)
        {
            var name = ((char)('a' + i)).ToString();
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email) VALUES ($1, $2, upper($2), $2 || '@example.com', upper($2 || '@example.com'))")
            {
                Parameters = { new() { Value = users[i] }, new() { Value = name } },
            });
        }
        batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO workspaces (id, name, slug) VALUES ($1, 'Alpha', 'alpha'), ($2, 'Beta', 'beta')")
        {
            Parameters = { new() { Value = alpha }, new() { Value = beta } },
        });
        await batch.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await ExecuteAsync(_serverConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", CancellationToken.None);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
