namespace Crm.Testing;

/// <summary>The PostgreSQL and Redis servers scripts/test.sh starts for the tests.</summary>
public static class TestServers
{
    public const string PostgresVariable = "CRM_TEST_POSTGRES";
    public const string RedisVariable = "CRM_TEST_REDIS";

    /// <summary>A superuser connection string to the test PostgreSQL server.</summary>
    public static string PostgresConnectionString => Required(PostgresVariable, "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres");

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
