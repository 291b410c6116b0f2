using System.Net;
using Crm.ServiceDefaults.Resilience;
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
    public async Task A_get_marked_without_retries_is_sent_once()
    {
        await using var backend = await FlakyBackend.FailingFirstAsync(failures: 2, StatusCodes.Status503ServiceUnavailable);
        using var request = new HttpRequestMessage(HttpMethod.Get, Flaky).WithoutRetries();

        var response = await backend.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, backend.Requests);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(0)]
    public void Retry_after_in_seconds_sets_the_delay(int seconds)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));

        Assert.Equal(TimeSpan.FromSeconds(seconds), StandardResilienceHandler.RetryAfter(response));
    }

    [Fact]
    public void Retry_after_as_a_date_sets_the_delay_until_then_and_without_it_the_schedule_applies()
    {
        using var dated = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        dated.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddMinutes(1));
        using var plain = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        var delay = StandardResilienceHandler.RetryAfter(dated);

        Assert.NotNull(delay);
        Assert.InRange(delay.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
        Assert.Null(StandardResilienceHandler.RetryAfter(plain));
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
