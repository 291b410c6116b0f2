using System.Net;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Crm.ServiceDefaults.Tests.Resilience;

public sealed class TimeoutAndCancellationTests
{
    private static readonly Uri Flaky = new("http://api/flaky");

    [Fact]
    public async Task An_attempt_that_outlives_the_attempt_timeout_is_abandoned_and_retried()
    {
        await using var backend = await FlakyBackend.StartAsync(
            (number, context) => number == 1 ? BackendServer.HangAsync(context) : context.Response.WriteAsync("late but fine"),
            ("AttemptTimeout", "00:00:01"));

        var response = await backend.CreateClient().GetAsync(Flaky);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("late but fine", await response.Content.ReadAsStringAsync());
        Assert.True(backend.Requests >= 2, $"expected a retry after the hung attempt, saw {backend.Requests} request(s)");
    }

    [Fact]
    public async Task A_cancelled_caller_gets_a_cancellation_and_no_retry()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await FlakyBackend.StartAsync((_, context) =>
        {
            received.TrySetResult();
            return BackendServer.HangAsync(context);
        });
        using var caller = new CancellationTokenSource();

        var call = backend.CreateClient().GetAsync(Flaky, caller.Token);
        await received.Task;
        await caller.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(caller.Token, error.CancellationToken);
        Assert.Equal(1, backend.Requests);
    }
}
