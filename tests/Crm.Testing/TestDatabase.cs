using Npgsql;

namespace Crm.Testing;

/// <summary>
/// A freshly created, uniquely named database on the test server, dropped on dispose. Each test gets its own, so
/// tests run in parallel without seeing each other's data.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>A superuser connection string to the test server's <c>postgres</c> database; scripts/test.sh sets it.</summary>
    public const string ServerVariable = "CRM_TEST_POSTGRES";

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
        // Tests must not pass by skipping silently when the database is missing.
        var serverConnectionString = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(serverConnectionString))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set. Run the tests with scripts/test.sh (see README.md), which starts PostgreSQL " +
                "and sets it, or set it to a superuser connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres.");
        }

        var name = $"crm_test_{Guid.NewGuid():N}"[..21];
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE \"{name}\"", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        return new TestDatabase(serverConnectionString, name, connectionString);
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
