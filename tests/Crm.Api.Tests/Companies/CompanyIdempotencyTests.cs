using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Companies;

public sealed class CompanyIdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_same_key_and_body_replay_the_first_response_and_another_body_is_422()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var key = Guid.NewGuid().ToString();
        using var first = await api.SendAsync(HttpMethod.Post, "/", new { name = "Once", domain = "once.com" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();

        using var replay = await api.SendAsync(HttpMethod.Post, "/", new { name = "Once", domain = "once.com" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.True(replay.Headers.Contains("Idempotency-Replayed"));
        var replayed = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(body.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal("Once", replayed.GetProperty("name").GetString());

        using var other = await api.SendAsync(HttpMethod.Post, "/", new { name = "Twice" }, idempotencyKey: key);
        await AuthApi.AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["Once"], await api.ListNamesAsync());
        Assert.Single(await api.AuditOfAsync(body.GetProperty("id").GetGuid()));

        // Keys belong to the workspace: another workspace's same key is a new request.
        var stranger = await CompanyApi.RegisterAsync(factory);
        using var theirs = await stranger.SendAsync(HttpMethod.Post, "/", new { name = "Once", domain = "once.com" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(body.GetProperty("id").GetGuid(), (await theirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task A_batch_with_a_key_is_created_once()
    {
        var api = await CompanyApi.RegisterAsync(factory);
        var key = Guid.NewGuid().ToString();
        var batch = new { items = new[] { new { name = "K1" }, new { name = "K2" } } };
        using var first = await api.SendAsync(HttpMethod.Post, "/batch", batch, idempotencyKey: key);
        using var again = await api.SendAsync(HttpMethod.Post, "/batch", batch, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await api.ListNamesAsync()).Count);
    }

    [Fact]
    public async Task Keys_belong_to_the_caller_so_two_members_with_the_same_key_and_body_each_create_their_own()
    {
        var owner = await CompanyApi.RegisterAsync(factory);
        var member = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "own");
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Shared key" };
        using var first = await owner.SendAsync(HttpMethod.Post, "/", body, idempotencyKey: key);
        using var second = await member.SendAsync(HttpMethod.Post, "/", body, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.False(second.Headers.Contains("Idempotency-Replayed"));
        var mine = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), mine.GetProperty("id").GetGuid());
        Assert.Equal(member.UserId, mine.GetProperty("ownerId").GetGuid());
        Assert.Equal(["Shared key", "Shared key"], await owner.ListNamesAsync());

        // Each caller still gets their own replay.
        using var again = await member.SendAsync(HttpMethod.Post, "/", body, idempotencyKey: key);
        Assert.True(again.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal(mine.GetProperty("id").GetGuid(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(2, (await owner.ListNamesAsync()).Count);
    }
}
