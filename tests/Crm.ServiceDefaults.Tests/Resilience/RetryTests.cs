using System.Net;
using Microsoft.AspNetCore.Http;

namespace Crm.ServiceDefaults.Tests.Resilience;

/// <summary>The standard pipeline every client from <c>AddServiceDefaults()</c> gets, against a real server.</summary>
public sealed class RetryTests
{
    private static readonly Uri Flaky = new("http://api/flaky");

    [Fact]
    public async Task A_get_is_retried_after_503s_and_succeeds()
    {
        await using var backend = await FlakyBackend.FailingFirstAsync(failures: 2, StatusCodes.Status503ServiceUnavailable);

        var response = await backend.CreateClient().GetAsync(Flaky);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attempt 3: ", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, backend.Requests);
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_is_not_retried()
    {
        await using var backend = await FlakyBackend.FailingFirstAsync(failures: 2, StatusCodes.Status503ServiceUnavailable);

        var response = await backend.CreateClient().PostAsync(Flaky, new StringContent("order #1"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, backend.Requests);
    }

    [Fact]
    public async Task A_post_with_an_idempotency_key_is_retried_with_its_body()
    {
        await using var backend = await FlakyBackend.FailingFirstAsync(failures: 2, StatusCodes.Status503ServiceUnavailable);
        using var request = new HttpRequestMessage(HttpMethod.Post, Flaky) { Content = new StringContent("order #1") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await backend.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attempt 3: order #1", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, backend.Requests);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var backend = await FlakyBackend.FailingFirstAsync(failures: 2, StatusCodes.Status400BadRequest);

        var response = await backend.CreateClient().GetAsync(Flaky);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, backend.Requests);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_number_of_attempts()
    {
        await using var backend = await FlakyBackend.StartAsync(
            (_, context) =>
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            },
            ("MaxRetryAttempts", "2"));

        var response = await backend.CreateClient().GetAsync(Flaky);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, backend.Requests);
    }
}
