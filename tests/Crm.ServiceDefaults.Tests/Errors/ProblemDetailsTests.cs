using System.Net;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Npgsql;

namespace Crm.ServiceDefaults.Tests.Errors;

/// <summary>
/// Errors answer as RFC 9457 problem details and never show exception details, in any environment; a database that
/// cannot be reached is a 503 with Retry-After, not a 500.
/// </summary>
public sealed class ProblemDetailsTests
{
    private const string Secret = "connection to 10.0.0.9 refused for user crm_owner";

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task An_unhandled_exception_is_a_bare_500_problem(string environment)
    {
        await using var service = await StartAsync(environment);
        using var client = service.CreatePlainClient();

        using var response = await client.GetAsync(new Uri("/boom", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":500", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task An_unknown_route_is_a_404_problem(string environment)
    {
        await using var service = await StartAsync(environment);
        using var client = service.CreatePlainClient();

        using var response = await client.GetAsync(new Uri("/no-such-route", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":404", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/database/unreachable")]
    [InlineData("/database/crashed")]
    public async Task A_database_that_cannot_be_reached_or_dropped_the_connection_is_a_503_problem_with_retry_after(string path)
    {
        await using var service = await StartAsync("Production");
        using var client = service.CreatePlainClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Contains("\"status\":503", body, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_database_error_stays_a_500()
    {
        await using var service = await StartAsync("Production");
        using var client = service.CreatePlainClient();

        using var response = await client.GetAsync(new Uri("/database/serialization-failure", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    private static Task<RunningApp> StartAsync(string environment) =>
        ServiceHosts.StartWebServiceAsync(
            environment,
            [],
            mapEndpoints: app =>
            {
                app.MapGet("/boom", string () => throw new InvalidOperationException(Secret));
                // Nothing listens on port 1: Npgsql's own "connection refused", a transient NpgsqlException.
                app.MapGet("/database/unreachable", async () =>
                {
                    await using var connection = new NpgsqlConnection("Host=127.0.0.1;Port=1;Username=x;Password=x;Timeout=2");
                    await connection.OpenAsync();
                    return "unreachable";
                });
                // What a pooled connection reports after PostgreSQL's crash restart, wrapped as EF Core wraps it.
                app.MapGet("/database/crashed", string () => throw new InvalidOperationException("query failed",
                    new PostgresException("terminating connection because of crash of another server process", "FATAL", "FATAL", PostgresErrorCodes.CrashShutdown)));
                app.MapGet("/database/serialization-failure", string () =>
                    throw new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure));
            });
}
