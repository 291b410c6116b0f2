using System.Net;
using System.Net.Http.Json;
using Crm.Api.Features.Auth;
using Npgsql;

namespace Crm.Api.Tests.Auth;

public sealed class LoginTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_right_password_issues_tokens_for_the_users_workspace()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        var registered = await AuthApi.RegisterAsync(client, email, "Login Workspace");

        using var response = await AuthApi.PostLoginAsync(client, email, AuthApi.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = (await response.Content.ReadFromJsonAsync<AuthTokenResponse>())!;
        Assert.Equal(registered.Workspace, tokens.Workspace);
        var workspace = Assert.Single(tokens.Workspaces!);
        Assert.Equal(new WorkspaceMembershipSummary(registered.Workspace.Id, "Login Workspace", registered.Workspace.Slug, "owner"), workspace);
        Assert.Equal(registered.Workspace, (await AuthApi.MeAsync(client, tokens.AccessToken)).Workspace);
        // One for the registration (which signs in), one for this login.
        Assert.Equal(2, await CountLogsAsync(email, "login_success", workspaceId: registered.Workspace.Id));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401_and_a_login_failed_log()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        await AuthApi.RegisterAsync(client, email, "Wrong Password");
        var unknown = AuthApi.NewEmail("nobody");

        using var wrong = await AuthApi.PostLoginAsync(client, email, "Wr0ng!Password");
        using var missing = await AuthApi.PostLoginAsync(client, unknown, AuthApi.Password);

        var wrongProblem = await AuthApi.AssertProblemAsync(wrong, HttpStatusCode.Unauthorized);
        var missingProblem = await AuthApi.AssertProblemAsync(missing, HttpStatusCode.Unauthorized);
        Assert.Equal("Invalid email or password.", wrongProblem.GetProperty("detail").GetString());
        Assert.Equal(wrongProblem.GetProperty("detail").GetString(), missingProblem.GetProperty("detail").GetString());
        Assert.Equal(1, await CountLogsAsync(email, "login_failed", workspaceId: null));
        Assert.Equal(1, await CountLogsAsync(unknown, "login_failed", workspaceId: null));
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        await AuthApi.RegisterAsync(client, email, "Lockout");

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await AuthApi.PostLoginAsync(client, email, "Wr0ng!Password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var right = await AuthApi.PostLoginAsync(client, email, AuthApi.Password);

        var problem = await AuthApi.AssertProblemAsync(right, HttpStatusCode.Unauthorized);
        Assert.Equal("Account locked", problem.GetProperty("title").GetString());
        Assert.Equal(4, await CountLogsAsync(email, "login_failed", workspaceId: null));
        Assert.Equal(2, await CountLogsAsync(email, "account_locked", workspaceId: null));
    }

    [Fact]
    public async Task A_workspace_the_user_is_not_a_member_of_is_forbidden()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        await AuthApi.RegisterAsync(client, email, "Mine");
        var other = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("other"), "Not Mine");

        using var response = await AuthApi.PostLoginAsync(client, email, AuthApi.Password, other.Workspace.Id);

        await AuthApi.AssertProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(1, await CountLogsAsync(email, "permission_denied", workspaceId: null));
    }

    [Fact]
    public async Task A_missing_password_is_a_validation_problem()
    {
        using var client = api.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = AuthApi.NewEmail() });

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
    }

    /// <summary>Read as the test server's superuser (row-level security does not apply), as an operator would.</summary>
    private async Task<long> CountLogsAsync(string email, string eventType, Guid? workspaceId)
    {
        await using var command = api.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM security_logs WHERE user_email = @email AND event_type = @type AND workspace_id IS NOT DISTINCT FROM @workspace");
        command.Parameters.Add(new NpgsqlParameter("email", email));
        command.Parameters.Add(new NpgsqlParameter("type", eventType));
        command.Parameters.Add(new NpgsqlParameter<Guid?>("workspace", workspaceId));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
