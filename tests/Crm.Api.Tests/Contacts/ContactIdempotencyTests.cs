using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Contacts;

public sealed class ContactIdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_same_key_and_body_replay_the_first_response_and_another_body_is_422()
    {
        var api = await ContactApi.RegisterAsync(factory);
        var key = Guid.NewGuid().ToString();
        using var first = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "Once", email = "once@x.com" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await first.Content.ReadFromJsonAsync<JsonElement>();

        using var replay = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "Once", email = "once@x.com" }, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.True(replay.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal(body.GetProperty("id").GetGuid(), (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        using var other = await api.SendAsync(HttpMethod.Post, "/", new { firstName = "Twice", email = "twice@x.com" }, idempotencyKey: key);
        await AuthApi.AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity);

        Assert.Equal(["once@x.com"], await api.ListEmailsAsync());
        Assert.Single(await api.AuditOfAsync(body.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_batch_with_a_key_is_created_once()
    {
        var api = await ContactApi.RegisterAsync(factory);
        var key = Guid.NewGuid().ToString();
        var batch = new { items = new[] { new { firstName = "K1", email = "k1@x.com" }, new { firstName = "K2", email = "k2@x.com" } } };
        using var first = await api.SendAsync(HttpMethod.Post, "/batch", batch, idempotencyKey: key);
        using var again = await api.SendAsync(HttpMethod.Post, "/batch", batch, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await api.ListEmailsAsync()).Count);
    }
}
