using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Crm.Api.Tests.Auth;

public sealed class RegisterTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Register_returns_tokens_and_me_shows_the_new_workspace_with_the_owner_role()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();

        var tokens = await AuthApi.RegisterAsync(client, email, "Acme Café & Co.");

        Assert.Equal("Bearer", tokens.TokenType);
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));
        Assert.Equal(15 * 60, tokens.ExpiresIn);
        Assert.Equal("Acme Café & Co.", tokens.Workspace.Name);
        Assert.StartsWith("acme-cafe-co", tokens.Workspace.Slug);

        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        Assert.Equal(email, me.Email);
        Assert.Equal(tokens.Workspace, me.Workspace);
        Assert.Equal("owner", me.Role);
        Assert.Equal("all", me.Scope);
        Assert.Equal("Ada", me.FirstName);
    }

    [Fact]
    public async Task Workspaces_with_the_same_name_get_distinct_slugs()
    {
        using var client = api.CreateClient();
        var name = $"Slug Clash {Guid.NewGuid():N}";

        var first = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), name);
        var second = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), name);

        Assert.NotEqual(first.Workspace.Slug, second.Workspace.Slug);
        Assert.StartsWith(first.Workspace.Slug, second.Workspace.Slug);
    }

    [Fact]
    public async Task Registering_an_email_twice_is_a_conflict_and_writes_nothing()
    {
        using var client = api.CreateClient();
        var email = AuthApi.NewEmail();
        var firstName = $"First {Guid.NewGuid():N}";
        var secondName = $"Second {Guid.NewGuid():N}";
        await AuthApi.RegisterAsync(client, email, firstName);

        using var response = await AuthApi.PostRegisterAsync(client, new { email = email.ToUpperInvariant(), password = AuthApi.Password, workspaceName = secondName });

        await AuthApi.AssertProblemAsync(response, HttpStatusCode.Conflict);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM users WHERE normalized_email = upper(@value)", email));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM workspaces WHERE name = @value", firstName));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM workspaces WHERE name = @value", secondName));
    }

    [Fact]
    public async Task Invalid_input_is_a_validation_problem_per_field()
    {
        using var client = api.CreateClient();

        using var response = await AuthApi.PostRegisterAsync(client, new { email = "not-an-email", password = "short" });

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("not a valid email", errors.GetProperty("email")[0].GetString());
        var passwordErrors = errors.GetProperty("password").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(passwordErrors, e => e!.Contains("at least 6 characters"));
        Assert.Contains(passwordErrors, e => e!.Contains("digit"));
        Assert.Equal(JsonValueKind.Array, errors.GetProperty("workspaceName").ValueKind);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM users WHERE email = @value", "not-an-email"));
    }

    [Fact]
    public async Task A_workspace_name_longer_than_255_characters_is_refused()
    {
        using var client = api.CreateClient();

        using var response = await AuthApi.PostRegisterAsync(client, new { email = AuthApi.NewEmail(), password = AuthApi.Password, workspaceName = new string('w', 256) });

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("workspaceName", out _));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_auth_endpoints()
    {
        using var client = api.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        var register = paths.GetProperty("/api/v1/auth/register").GetProperty("post");
        Assert.Equal("Register", register.GetProperty("operationId").GetString());
        Assert.True(register.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(register.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(paths.GetProperty("/api/v1/auth/login").GetProperty("post").GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(paths.GetProperty("/api/v1/auth/me").GetProperty("get").GetProperty("responses").TryGetProperty("401", out _));
    }

    private async Task<long> CountAsync(string sql, string value)
    {
        await using var command = api.Database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("value", value));
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
