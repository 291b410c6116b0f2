using System.Security.Cryptography;
using Crm.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Crm.Api.Tests;

/// <summary>
/// Crm.Api in-process over its own fresh database on the test server (migrated at start, as in production) and the
/// test Redis. One per test class.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _keyEncryptionKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    private TestDatabase? _database;

    public TestDatabase Database => _database ?? throw new InvalidOperationException("The factory has not been initialised.");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:crmdb", TestServers.ServiceConnectionString(Database.Name));
        builder.UseSetting("ConnectionStrings:crmdb-owner", Database.ConnectionString);
        builder.UseSetting("ConnectionStrings:redis", TestServers.RedisConnectionString);
        builder.UseSetting("DataProtection:KeyEncryptionKey", _keyEncryptionKey);
        // Test classes run in parallel against one Redis, many from the same (absent) address: each factory counts on
        // its own, with limits no test reaches unless it lowers them (RateLimitTests).
        builder.UseSetting("RateLimits:KeyPrefix", $"crm:ratelimit:test:{Guid.NewGuid():N}");
        builder.UseSetting("RateLimits:UserPerMinute", "100000");
        builder.UseSetting("RateLimits:WorkspacePerMinute", "100000");
        builder.UseSetting("RateLimits:AnonymousPerMinute", "100000");
        // Invalidated cache keys refuse new entries for a second rather than five (Caching tests wait for it to pass).
        builder.UseSetting("Cache:InvalidationHold", "00:00:01");
        // Membership changes made by raw SQL take effect on the next request.
        builder.UseSetting("Auth:MembershipCacheDuration", "00:00:00");
        // Reminders come due within a second rather than half a minute (NotificationTests poll for them).
        builder.UseSetting("Notifications:ReminderPollInterval", "00:00:01");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
