using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using Crm.Api.Features.Auth;
using Crm.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crm.Api.Infrastructure.RateLimiting;

/// <summary>
/// Charges every <c>/api</c> request to its caller's buckets (<see cref="RateLimitOptions"/>) and answers 429 with
/// Retry-After, as a problem details body, once one is used up. Runs after authentication, so it knows the caller.
/// When Redis cannot be reached the request goes on: the limits protect the service, they must not take it down.
/// </summary>
public sealed partial class RateLimitingMiddleware(
    RequestDelegate next,
    RedisRateLimiter limiter,
    IOptionsMonitor<RateLimitOptions> options,
    IProblemDetailsService problemDetails,
    ServiceInstrumentation instrumentation,
    TimeProvider clock,
    ILogger<RateLimitingMiddleware> logger)
{
    private static readonly TimeSpan UnavailableLogInterval = TimeSpan.FromSeconds(30);

    private readonly Counter<long> _rejections = instrumentation.Meter.CreateCounter<long>(
        "crm.api.rate_limit.rejections", description: "Requests answered 429, by the bucket that was used up (user, workspace, anonymous).");

    private long _lastUnavailableLog = long.MinValue;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }

        RateLimitDecision decision;
        try
        {
            decision = await limiter.AcquireAsync(Buckets(context, options.CurrentValue));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailableNowAndThen(ex);
            await next(context);
            return;
        }

        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        var exhausted = decision.Exhausted!;
        var retryAfterSeconds = (int)Math.Ceiling(decision.RetryAfter.TotalSeconds);
        _rejections.Add(1, new KeyValuePair<string, object?>("crm.rate_limit.bucket", exhausted.Name));
        LogRejected(logger, exhausted.Name, exhausted.Limit, context.Request.Method, context.Request.Path);

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"The {exhausted.Name} limit of {exhausted.Limit} requests per minute is used up; retry in {retryAfterSeconds} s.",
            },
        });
    }

    private static List<RateLimitBucket> Buckets(HttpContext context, RateLimitOptions limits)
    {
        var user = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var workspace = context.User.FindFirstValue(CrmClaims.Workspace);
        if (user is null)
        {
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return [new($"{limits.KeyPrefix}:ip:{address}", "anonymous", limits.AnonymousPerMinute)];
        }

        List<RateLimitBucket> buckets = [new($"{limits.KeyPrefix}:user:{user}", "user", limits.UserPerMinute)];
        if (workspace is not null)
        {
            buckets.Add(new($"{limits.KeyPrefix}:workspace:{workspace}", "workspace", limits.WorkspacePerMinute));
        }
        return buckets;
    }

    /// <summary>One warning per <see cref="UnavailableLogInterval"/>, not one per request, while Redis is down.</summary>
    private void LogUnavailableNowAndThen(Exception ex)
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _lastUnavailableLog);
        if ((last == long.MinValue || clock.GetElapsedTime(last, now) >= UnavailableLogInterval) &&
            Interlocked.CompareExchange(ref _lastUnavailableLog, now, last) == last)
        {
            LogUnavailable(logger, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "Rate limited {Method} {Path}: the {Bucket} limit of {Limit} requests per minute is used up")]
    private static partial void LogRejected(ILogger logger, string bucket, int limit, string method, PathString path);

    [LoggerMessage(LogLevel.Warning, "Rate limits are not enforced: Redis is unavailable ({Error})")]
    private static partial void LogUnavailable(ILogger logger, string error);
}

public static class RateLimitingExtensions
{
    public static IHostApplicationBuilder AddCrmRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.SectionName));
        builder.Services.AddSingleton<RedisRateLimiter>();
        return builder;
    }

    /// <summary>After authentication (it charges the caller), before the endpoints.</summary>
    public static IApplicationBuilder UseCrmRateLimiting(this IApplicationBuilder app) => app.UseMiddleware<RateLimitingMiddleware>();
}
