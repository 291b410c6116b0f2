using Npgsql;

namespace Crm.Testing;

/// <summary>The PostgreSQL and Redis servers scripts/test.sh starts for the tests.</summary>
public static class TestServers
{
    public const string PostgresVariable = "CRM_TEST_POSTGRES";
    public const string RedisVariable = "CRM_TEST_REDIS";

    /// <summary>A superuser connection string to the test PostgreSQL server.</summary>
    public static string PostgresConnectionString => Required(PostgresVariable, "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres");

    /// <summary>The login the services use (ConnectionStrings:crmdb), never the owner: row-level security holds for it.</summary>
    public const string ServiceUser = "crm_service";

    /// <summary>
    /// The service login's connection string to <paramref name="database"/>. It has the superuser's password on the
    /// throwaway test server; the service creates the login at its first start (Crm.Domain's ServiceLogin).
    /// </summary>
    public static string ServiceConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Username = ServiceUser, Database = database }.ConnectionString;

    /// <summary>
    /// The settings a service under test gets, as the AppHost would hand them over: its login and the owner's on
    /// <paramref name="database"/>, the test Redis, and a short outbox poll so that consumers react within a test.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServiceSettings(TestDatabase database) => new Dictionary<string, string>
    {
        ["ConnectionStrings:crmdb"] = ServiceConnectionString(database.Name),
        ["ConnectionStrings:crmdb-owner"] = database.ConnectionString,
        ["ConnectionStrings:redis"] = RedisConnectionString,
        ["Outbox:PollInterval"] = "00:00:00.500",
    };

    /// <summary>A StackExchange.Redis connection string to the test Redis server.</summary>
    public static string RedisConnectionString => Required(RedisVariable, "127.0.0.1:6379,password=...");

    // Tests must not pass by skipping silently when the infrastructure is missing.
    private static string Required(string variable, string example) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Run the tests with scripts/test.sh (see README.md), which starts PostgreSQL and " +
                $"Redis and sets it, or set it yourself, e.g. {variable}=\"{example}\".");
}
