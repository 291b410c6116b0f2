using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// Keeps requests from waiting on a Redis that is down. A failed or slow call opens the circuit: for
/// <see cref="CacheOptions.BreakDuration"/> every cache call is skipped at once (the request reads the database), then
/// one call tries Redis again and closes the circuit if it works. Each outage is logged once when it starts and once
/// when it ends, not per request. A multiplexer that knows it is disconnected counts as a failure without a call.
/// </summary>
public sealed partial class RedisCircuit(
    IConnectionMultiplexer redis,
    IOptionsMonitor<CacheOptions> options,
    CacheTelemetry telemetry,
    TimeProvider clock,
    ILogger<RedisCircuit> logger)
{
    private const long Closed = long.MinValue;

    // The timestamp after which Redis may be tried again, or Closed. A trial moves it forward before it starts, so
    // only one request at a time probes a Redis that is still down.
    private long _retryAt = Closed;

    public bool IsOpen => Interlocked.Read(ref _retryAt) != Closed;

    /// <summary>
    /// Runs <paramref name="operation"/> on Redis unless the circuit is open; false (and the default value) when it was
    /// skipped, failed or took longer than <see cref="CacheOptions.OperationTimeout"/>.
    /// </summary>
    public async Task<(bool Done, T? Value)> TryAsync<T>(string kind, Func<IDatabase, Task<T>> operation)
    {
        if (!MayTry())
        {
            telemetry.Bypassed.Add(1, CacheTelemetry.Kind(kind));
            return (false, default);
        }
        try
        {
            if (!redis.IsConnected)
            {
                throw new RedisUnavailableException();
            }
            var value = await operation(redis.GetDatabase()).WaitAsync(options.CurrentValue.OperationTimeout);
            Close();
            return (true, value);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or RedisUnavailableException)
        {
            telemetry.Errors.Add(1, CacheTelemetry.Kind(kind));
            Open(e);
            return (false, default);
        }
    }

    /// <summary>Runs <paramref name="operation"/> on Redis whatever the circuit says, and lets its failure through (the outbox consumer retries).</summary>
    public async Task RunAsync(Func<IDatabase, Task> operation)
    {
        if (!redis.IsConnected)
        {
            throw new RedisUnavailableException();
        }
        await operation(redis.GetDatabase()).WaitAsync(options.CurrentValue.OperationTimeout);
        Close();
    }

    private bool MayTry()
    {
        var retryAt = Interlocked.Read(ref _retryAt);
        if (retryAt == Closed)
        {
            return true;
        }
        var now = clock.GetTimestamp();
        if (now < retryAt)
        {
            return false;
        }
        // This request probes; the others keep skipping Redis until the probe's result is known.
        return Interlocked.CompareExchange(ref _retryAt, now + Ticks(options.CurrentValue.BreakDuration), retryAt) == retryAt;
    }

    private void Open(Exception e)
    {
        var retryAt = clock.GetTimestamp() + Ticks(options.CurrentValue.BreakDuration);
        if (Interlocked.Exchange(ref _retryAt, retryAt) == Closed)
        {
            LogOpened(logger, options.CurrentValue.BreakDuration.TotalSeconds, e.Message);
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _retryAt, Closed) != Closed)
        {
            LogClosed(logger);
        }
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * clock.TimestampFrequency);

    [LoggerMessage(LogLevel.Warning, "Reads are not cached: Redis is unavailable ({Error}); trying it again every {Seconds} s")]
    private static partial void LogOpened(ILogger logger, double seconds, string error);

    [LoggerMessage(LogLevel.Information, "Redis is available again: reads are cached")]
    private static partial void LogClosed(ILogger logger);
}

/// <summary>The multiplexer knows it is not connected: failing at once beats waiting for a command's timeout.</summary>
public sealed class RedisUnavailableException() : Exception("Redis is not connected.");
