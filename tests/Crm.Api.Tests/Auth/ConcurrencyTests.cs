using System.Net;
using Npgsql;

namespace Crm.Api.Tests.Auth;

/// <summary>Parallel requests for one account: never a 500 (no concurrency failure escapes), and every failure counts.</summary>
public sealed class ConcurrencyTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string WrongPassword = "Wr0ng!Password";

    [Fact]
    public async Task Parallel_right_and_wrong_passwords_get_only_200_or_401()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        await AuthApi.RegisterAsync(client, email, "Parallel Logins");

        // Mostly right passwords: the wrong ones (fewer than the lockout's 5) race with the successes' resets.
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            AuthApi.PostLoginAsync(client, email, i % 5 == 0 ? WrongPassword : AuthApi.Password)));

        try
        {
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized }));
            var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.True(ok >= 1, "At least one right password signs in.");
            // Every success is counted: the registration's sign-in does not count, each login does.
            Assert.Equal(ok, await ScalarAsync<int>("SELECT login_count FROM users WHERE email = @email", email));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Parallel_logouts_and_refreshes_never_fail_with_a_500()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Parallel Logouts");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? AuthApi.PostLogoutAsync(client, registered.AccessToken)
            : AuthApi.PostRefreshAsync(client, registered.RefreshToken)));

        try
        {
            for (var i = 0; i < responses.Length; i++)
            {
                Assert.Contains(responses[i].StatusCode, i % 2 == 0
                    ? new[] { HttpStatusCode.NoContent }
                    : new[] { HttpStatusCode.OK, HttpStatusCode.Unauthorized });
            }
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        // After the logouts the refresh token is refused.
        using var after = await AuthApi.PostRefreshAsync(client, registered.RefreshToken);
        await AuthApi.AssertProblemAsync(after, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Parallel_wrong_passwords_all_count_and_lock_the_account()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        await AuthApi.RegisterAsync(client, email, "Parallel Lockout");

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => AuthApi.PostLoginAsync(client, email, WrongPassword)));
        try
        {
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
        using var right = await AuthApi.PostLoginAsync(client, email, AuthApi.Password);

        var problem = await AuthApi.AssertProblemAsync(right, HttpStatusCode.Unauthorized);
        Assert.Equal("Account locked", problem.GetProperty("title").GetString());
        Assert.True(await ScalarAsync<bool>("SELECT lockout_end > now() FROM users WHERE email = @email", email));
    }

    private async Task<T> ScalarAsync<T>(string sql, string email)
    {
        await using var command = api.Database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("email", email));
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
