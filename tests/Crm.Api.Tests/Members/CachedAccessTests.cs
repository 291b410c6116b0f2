using System.Net;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Members;

/// <summary>
/// With the access check's cache on (ApiFactory turns it off for the other tests): changes made through the API evict
/// what they change, so they apply at once on this instance rather than when the cache entry expires.
/// </summary>
public sealed class CachedAccessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_demotion_and_a_revoked_session_apply_at_once_despite_the_cache()
    {
        using var cached = factory.WithWebHostBuilder(builder => builder.UseSetting("Auth:MembershipCacheDuration", "01:00:00"));
        var owner = await SignedIn.RegisterAsync(factory);
        var rep = await owner.InviteNewMemberAsync("sales_rep");
        var ownerClient = cached.CreateClient();
        var repClient = cached.CreateClient();
        // Both callers' sessions and memberships are now cached by this instance.
        using (var warm = await SignedIn.SendAsync(repClient, rep.AccessToken, HttpMethod.Get, "/api/v1/companies"))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }
        var (_, etag) = await owner.GetMemberAsync(rep.UserId);
        using (var demote = await SignedIn.SendAsync(ownerClient, owner.AccessToken, HttpMethod.Patch, $"/api/v1/members/{rep.UserId}", new { role = "viewer" }, etag))
        {
            Assert.Equal(HttpStatusCode.OK, demote.StatusCode);
        }

        using (var write = await SignedIn.SendAsync(repClient, rep.AccessToken, HttpMethod.Post, "/api/v1/companies", new { name = "After" }))
        {
            await AuthApi.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        }
        using (var logout = await SignedIn.SendAsync(repClient, rep.AccessToken, HttpMethod.Post, "/api/v1/auth/logout"))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }
        using var read = await SignedIn.SendAsync(repClient, rep.AccessToken, HttpMethod.Get, "/api/v1/companies");
        await AuthApi.AssertProblemAsync(read, HttpStatusCode.Unauthorized);
    }
}
