using System.Net;
using System.Net.Http.Json;
using Crm.Api.Tests.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Crm.Api.Tests.RateLimiting;

/// <summary>
/// Requests per minute per user, per workspace and per anonymous address, counted in the test Redis. The window
/// slides: a burst that straddles a minute boundary may get one request more than the limit, never more.
/// </summary>
public sealed class RateLimitTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Anonymous_callers_get_429_with_retry_after_once_their_limit_is_used_up()
    {
        using var limited = With(("AnonymousPerMinute", "3"));
        using var client = limited.CreateClient();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 8; i++)
        {
            var response = await client.GetAsync("/api/v1/info");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                rejected ??= response;
            }
        }

        Assert.All(statuses.Take(3), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 3, 4);
        Assert.NotNull(rejected);
        var retryAfter = int.Parse(Assert.Single(rejected.Headers.GetValues("Retry-After")));
        Assert.InRange(retryAfter, 1, 120);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        var problem = await rejected.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(429, problem!.Status);
        Assert.Contains("anonymous limit of 3 requests per minute", problem.Detail);

        // Health probes are not API calls and are never limited.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task A_user_is_limited_without_affecting_users_of_other_workspaces()
    {
        using var limited = With(("UserPerMinute", "4"), ("WorkspacePerMinute", "6"));
        using var client = limited.CreateClient();
        var owner = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("owner"), "Limited");

        var ownerStatuses = await StatusesOfMeAsync(client, owner.AccessToken, 6);

        Assert.All(ownerStatuses.Take(4), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(HttpStatusCode.TooManyRequests, ownerStatuses);
        using var rejected = await AuthApi.GetMeAsync(client, owner.AccessToken);
        Assert.Contains("user limit of 4", (await rejected.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);

        // A second user of another workspace is not affected by the first one's count.
        var other = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("other"), "Elsewhere");
        Assert.Equal(HttpStatusCode.OK, (await AuthApi.GetMeAsync(client, other.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task Requests_are_charged_to_the_workspace_too()
    {
        using var limited = With(("UserPerMinute", "100"), ("WorkspacePerMinute", "3"));
        using var client = limited.CreateClient();
        var owner = await AuthApi.RegisterAsync(client, AuthApi.NewEmail("owner"), "Small plan");

        var statuses = await StatusesOfMeAsync(client, owner.AccessToken, 6);

        Assert.All(statuses.Take(3), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        using var rejected = await AuthApi.GetMeAsync(client, owner.AccessToken);
        Assert.Contains("workspace limit of 3", (await rejected.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task Requests_go_on_when_redis_is_unreachable()
    {
        using var withoutRedis = api.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("RateLimits:AnonymousPerMinute", "1");
            builder.UseSetting("ConnectionStrings:redis", "127.0.0.1:1,connectTimeout=500,syncTimeout=500");
        });
        using var client = withoutRedis.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/info")).StatusCode);
        }
    }

    private WebApplicationFactory<Program> With(params (string Name, string Value)[] limits) =>
        api.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("RateLimits:KeyPrefix", $"crm:ratelimit:test:{Guid.NewGuid():N}");
            foreach (var (name, value) in limits)
            {
                builder.UseSetting($"RateLimits:{name}", value);
            }
        });

    private static async Task<List<HttpStatusCode>> StatusesOfMeAsync(HttpClient client, string accessToken, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var response = await AuthApi.GetMeAsync(client, accessToken);
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }
}
