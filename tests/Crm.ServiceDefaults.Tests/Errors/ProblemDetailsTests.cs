using System.Net;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;

namespace Crm.ServiceDefaults.Tests.Errors;

/// <summary>Errors answer as RFC 9457 problem details and never show exception details, in any environment.</summary>
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

    private static Task<RunningApp> StartAsync(string environment) =>
        ServiceHosts.StartWebServiceAsync(
            environment,
            [],
            mapEndpoints: app => app.MapGet("/boom", string () => throw new InvalidOperationException(Secret)));
}
