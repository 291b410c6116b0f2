using Crm.Domain.Identity;
using Crm.Domain.Tenancy;
using Crm.Domain.Tests.Persistence;
using Crm.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>
/// ASP.NET Core Identity's EF store over the migrated users tables. Users are global, not under row-level security, so
/// this works from a context with no session (as sign-up and sign-in do, before a workspace is chosen).
/// </summary>
public sealed class IdentityStoreTests : IAsyncLifetime
{
    private const string Password = "Sup3r-secret!";

    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await _database.MigrateAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<CrmDbContext>(options => options.UseNpgsql(_database.DataSource));
        services.AddIdentityCore<CrmUser>().AddEntityFrameworkStores<CrmDbContext>();
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_user_is_created_found_by_email_and_checked_by_password()
    {
        var user = new CrmUser { UserName = "ada@example.com", Email = "ada@example.com", FirstName = "Ada" };
        await using (var scope = _services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
            Assert.Equal(TenantSession.None, scope.ServiceProvider.GetRequiredService<CrmDbContext>().Session);

            var created = await users.CreateAsync(user, Password);

            AssertSucceeded(created);
        }

        await using (var scope = _services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();

            var found = await users.FindByEmailAsync("ADA@example.com");

            Assert.NotNull(found);
            Assert.Equal(user.Id, found.Id);
            Assert.Equal("Ada", found.FirstName);
            Assert.NotEqual(default, found.CreatedAt);
            Assert.True(await users.CheckPasswordAsync(found, Password));
            Assert.False(await users.CheckPasswordAsync(found, "Sup3r-secret?"));
        }

        await using var owner = await _database.DataSource.OpenConnectionAsync();
        Assert.Equal([user.Id], await owner.GuidsAsync(
            "SELECT id FROM users WHERE normalized_email = 'ADA@EXAMPLE.COM' AND normalized_user_name = 'ADA@EXAMPLE.COM' AND password_hash IS NOT NULL"));
    }

    [Fact]
    public async Task Claims_logins_tokens_and_failed_attempts_are_stored()
    {
        var user = new CrmUser { UserName = "grace", Email = "grace@example.com" };
        await using (var scope = _services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
            AssertSucceeded(await users.CreateAsync(user, Password));
            AssertSucceeded(await users.AddClaimAsync(user, new("locale", "en-GB")));
            AssertSucceeded(await users.AddLoginAsync(user, new UserLoginInfo("oidc", "grace-subject", "OpenID Connect")));
            AssertSucceeded(await users.SetAuthenticationTokenAsync(user, "oidc", "refresh_token", "r-123"));
            AssertSucceeded(await users.AccessFailedAsync(user));
        }

        await using (var scope = _services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
            var found = await users.FindByLoginAsync("oidc", "grace-subject");

            Assert.NotNull(found);
            Assert.Equal(user.Id, found.Id);
            Assert.Equal(["locale=en-GB"], (await users.GetClaimsAsync(found)).Select(c => $"{c.Type}={c.Value}"));
            Assert.Equal("r-123", await users.GetAuthenticationTokenAsync(found, "oidc", "refresh_token"));
            Assert.Equal(1, await users.GetAccessFailedCountAsync(found));
        }
    }

    [Fact]
    public async Task A_second_user_with_the_same_name_is_refused()
    {
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
        AssertSucceeded(await users.CreateAsync(new CrmUser { UserName = "ada", Email = "ada@example.com" }, Password));

        var again = await users.CreateAsync(new CrmUser { UserName = "ada", Email = "ada.l@example.com" }, Password);

        Assert.False(again.Succeeded);
        Assert.Contains(again.Errors, e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName));
    }

    private static void AssertSucceeded(IdentityResult result) =>
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => $"{e.Code}: {e.Description}")));
}
