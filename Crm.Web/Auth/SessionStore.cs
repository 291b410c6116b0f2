using System.Text.Json;
using StackExchange.Redis;

namespace Crm.Web.Auth;

/// <summary>
/// The API tokens of every signed-in browser, in Redis under a random session id that is all the browser's cookie
/// holds. Server-side because refresh tokens rotate: a copy in a cookie would go stale the moment an open page
/// refreshed it, and presenting a stale one makes the API revoke the whole session. In Redis rather than in memory so
/// that sessions survive a restart of the web and are shared by its replicas.
/// </summary>
public sealed class SessionStore(IConnectionMultiplexer redis)
{
    /// <summary>As long as the API's refresh tokens live; each refresh starts the period again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    private static string Key(string sessionId) => $"crm:web:session:{sessionId}";

    public async Task<ApiTokens?> GetAsync(string sessionId)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(sessionId));
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ApiTokens>((string)value!);
    }

    public Task SaveAsync(string sessionId, ApiTokens tokens) =>
        redis.GetDatabase().StringSetAsync(Key(sessionId), JsonSerializer.Serialize(tokens), Lifetime);

    public Task RemoveAsync(string sessionId) => redis.GetDatabase().KeyDeleteAsync(Key(sessionId));

    /// <summary>
    /// Runs <paramref name="action"/> while holding the session's refresh lock, so that two tabs (or replicas) never
    /// exchange the same refresh token: the second waits, then finds the tokens the first one stored.
    /// </summary>
    public async Task<T> WithRefreshLockAsync<T>(string sessionId, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var lockKey = Key(sessionId) + ":refresh";
        var owner = Guid.NewGuid().ToString();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (!await database.LockTakeAsync(lockKey, owner, TimeSpan.FromSeconds(15)))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("Another request held the session's refresh lock for too long.");
            }
            await Task.Delay(100, cancellationToken);
        }
        try
        {
            return await action();
        }
        finally
        {
            await database.LockReleaseAsync(lockKey, owner);
        }
    }
}
