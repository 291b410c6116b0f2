using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Crm.ServiceDefaults.Resilience;

/// <summary>
/// The one resilience pipeline every HttpClient gets (the defaults of Microsoft.Extensions.Http.Resilience, which is
/// not available here): a total timeout, retries with exponential backoff and jitter, a circuit breaker, and a
/// per-attempt timeout. Only requests that are safe to repeat are retried: idempotent methods, or any request that
/// carries an <c>Idempotency-Key</c> header; and none marked with <see cref="ResilienceRequestOptions.NoRetry"/>.
/// A server's <c>Retry-After</c> sets the delay before the next attempt.
/// </summary>
internal sealed class StandardResilienceHandler(ResiliencePipelineProvider<string> pipelines, string clientName) : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<bool> CanRetryKey = new("crm.can-retry");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.GetPipeline<HttpResponseMessage>(clientName);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(CanRetryKey, IsSafeToRepeat(request));
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.Handler.SendCoreAsync(state.Request, ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException || !state.Caller.IsCancellationRequested)
                    {
                        return Outcome.FromException<HttpResponseMessage>(exception);
                    }
                },
                context,
                (Handler: this, Request: request, Caller: cancellationToken));

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    internal static bool IsSafeToRepeat(HttpRequestMessage request) =>
        !(request.Options.TryGetValue(ResilienceRequestOptions.NoRetry, out var noRetry) && noRetry) &&
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options ||
        request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete ||
        request.Headers.Contains("Idempotency-Key"));

    /// <summary>5xx, 408 and 429 responses and network failures are worth another attempt.</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 ||
                                     response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };

    /// <summary>The server's Retry-After (seconds or a date), or null for the exponential schedule.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    /// <summary>Builds the standard pipeline; one per client name, so circuit state outlives handler rotation.</summary>
    internal static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceOptions options)
    {
        builder
            .AddTimeout(options.TotalTimeout)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Context.Properties.GetValue(CanRetryKey, false) && IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    // The failed response is dropped: release its connection before the next attempt.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(options.AttemptTimeout);
    }
}
