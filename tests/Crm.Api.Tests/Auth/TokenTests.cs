using System.Net;
using System.Net.Http.Json;
using Crm.Api.Features.Auth;

namespace Crm.Api.Tests.Auth;

public sealed class TokenTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Refresh_issues_new_tokens_that_work()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Refresh");

        using var response = await AuthApi.PostRefreshAsync(client, registered.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refreshed = (await response.Content.ReadFromJsonAsync<AuthTokenResponse>())!;
        Assert.NotEqual(registered.AccessToken, refreshed.AccessToken);
        Assert.Equal(registered.Workspace, refreshed.Workspace);
        Assert.Equal(registered.Workspace, (await AuthApi.MeAsync(client, refreshed.AccessToken)).Workspace);
    }

    [Fact]
    public async Task Refresh_after_logout_is_refused()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Logout");
        using var before = await AuthApi.PostRefreshAsync(client, registered.RefreshToken);
        var refreshed = (await before.Content.ReadFromJsonAsync<AuthTokenResponse>())!;

        using var logout = await AuthApi.PostLogoutAsync(client, registered.AccessToken);
        using var afterOriginal = await AuthApi.PostRefreshAsync(client, registered.RefreshToken);
        using var afterRefreshed = await AuthApi.PostRefreshAsync(client, refreshed.RefreshToken);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await AuthApi.AssertProblemAsync(afterOriginal, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(afterRefreshed, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_garbage_or_access_token_is_not_a_refresh_token()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Garbage Refresh");

        using var garbage = await AuthApi.PostRefreshAsync(client, "not-a-token");
        using var access = await AuthApi.PostRefreshAsync(client, registered.AccessToken);

        await AuthApi.AssertProblemAsync(garbage, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(access, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"refreshToken\": 42}")]
    [InlineData("not json")]
    public async Task A_refresh_body_without_a_token_is_a_400_problem(string body)
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsync("/api/v1/auth/refresh", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Me_without_a_token_is_a_401_problem_with_a_bearer_challenge()
    {
        using var client = api.CreateClient();

        using var response = await AuthApi.GetMeAsync(client, accessToken: null);

        await AuthApi.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_garbage_bearer_token_is_a_401()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Garbage Access");

        using var garbage = await AuthApi.GetMeAsync(client, "not-a-token");
        using var refreshAsAccess = await AuthApi.GetMeAsync(client, registered.RefreshToken);

        await AuthApi.AssertProblemAsync(garbage, HttpStatusCode.Unauthorized);
        await AuthApi.AssertProblemAsync(refreshAsAccess, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_of_one_workspace_never_sees_another()
    {
        using var client = api.CreateClient();
        var a = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("a"), "Workspace A");
        var b = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("b"), "Workspace B");

        var meA = await AuthApi.MeAsync(client, a.AccessToken);
        var meB = await AuthApi.MeAsync(client, b.AccessToken);

        Assert.Equal(a.Workspace, meA.Workspace);
        Assert.Equal(b.Workspace, meB.Workspace);
        Assert.NotEqual(meA.UserId, meB.UserId);
        // B's user may not pick A's workspace either.
        using var login = await AuthApi.PostLoginAsync(client, meB.Email, AuthApi.Password, a.Workspace.Id);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
    }
}
