using StackExchange.Redis;

namespace Crm.Api.Infrastructure.RateLimiting;

/// <summary>One count a request is charged to: its Redis key, what it stands for in messages, and its limit per minute.</summary>
public sealed record RateLimitBucket(string Key, string Name, int Limit);

/// <summary>Whether a request may go on; if not, which bucket is used up and when to try again.</summary>
public sealed record RateLimitDecision(bool Allowed, RateLimitBucket? Exhausted, TimeSpan RetryAfter);

/// <summary>
/// A sliding-window limiter in Redis (the "sliding window counter" approximation: this minute's count plus last
/// minute's, weighted by how much of last minute the window still covers), so a burst at a minute boundary cannot
/// double the rate as fixed windows would. One Lua script checks every bucket of a request and charges all of them
/// only if none is used up, atomically and on Redis's clock (replicas' clocks may differ).
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    // KEYS: the buckets' keys; ARGV[1]: window (ms); ARGV[1 + i]: bucket i's limit.
    // Returns {1} when charged, or {0, i, ms to wait} when bucket i is used up. The window's index is appended to each
    // key, so the keys are not all declared to Redis: fine on a single Redis, not on Redis Cluster.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local index = math.floor(now / window)
        local elapsed = now - index * window
        for i, key in ipairs(KEYS) do
          local limit = tonumber(ARGV[i + 1])
          local current = tonumber(redis.call('GET', key .. ':' .. index) or '0')
          local previous = tonumber(redis.call('GET', key .. ':' .. (index - 1)) or '0')
          if math.floor(previous * (window - elapsed) / window) + current >= limit then
            local wait
            if current >= limit then
              wait = (window - elapsed) + math.ceil(window * (1 - limit / current))
            else
              wait = math.ceil(window * (1 - (limit - current) / previous)) - elapsed
            end
            return {0, i, math.max(wait, 1)}
          end
        end
        for _, key in ipairs(KEYS) do
          redis.call('INCR', key .. ':' .. index)
          redis.call('PEXPIRE', key .. ':' .. index, window * 2)
        end
        return {1}
        """;

    public async Task<RateLimitDecision> AcquireAsync(IReadOnlyList<RateLimitBucket> buckets)
    {
        var keys = buckets.Select(b => (RedisKey)b.Key).ToArray();
        var arguments = new RedisValue[buckets.Count + 1];
        arguments[0] = (long)Window.TotalMilliseconds;
        for (var i = 0; i < buckets.Count; i++)
        {
            arguments[i + 1] = buckets[i].Limit;
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, arguments))!;
        return (int)result[0] == 1
            ? new RateLimitDecision(true, null, TimeSpan.Zero)
            : new RateLimitDecision(false, buckets[(int)result[1] - 1], TimeSpan.FromMilliseconds((long)result[2]));
    }
}
