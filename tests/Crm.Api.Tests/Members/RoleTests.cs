using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Members;

public sealed class RoleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_six_built_in_roles_are_listed_highest_first_with_their_permissions()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var viewer = await owner.InviteNewMemberAsync("viewer");

        using var response = await viewer.SendAsync(HttpMethod.Get, "/api/v1/roles");

        var body = await SignedIn.ReadAsync<JsonElement>(response);
        var roles = body.GetProperty("data").EnumerateArray().ToDictionary(
            r => r.GetProperty("role").GetString()!,
            r => r.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()!).ToHashSet());
        Assert.Equal(["owner", "admin", "manager", "sales_rep", "support_agent", "viewer"], roles.Keys);
        Assert.Contains("members.manage_owners", roles["owner"]);
        Assert.DoesNotContain("members.manage_owners", roles["admin"]);
        Assert.Contains("api_keys.manage", roles["admin"]);
        Assert.DoesNotContain("members.manage", roles["manager"]);
        Assert.Equal(["members.read", "records.read"], roles["viewer"].Order());
        Assert.All(roles.Values, permissions => Assert.Subset(roles["owner"], permissions));
        Assert.Equal(roles["owner"], body.GetProperty("permissions").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToHashSet());
    }

    [Fact]
    public async Task What_the_list_says_a_viewer_may_not_do_is_refused()
    {
        var owner = await SignedIn.RegisterAsync(factory);
        var viewer = await owner.InviteNewMemberAsync("viewer");

        using var write = await viewer.Companies.SendAsync(HttpMethod.Post, "/", new { name = "Nope" });
        using var invite = await viewer.SendAsync(HttpMethod.Post, "/api/v1/members/invitations", new { email = AuthApi.NewEmail(), role = "viewer", recordScope = "own" });
        using var key = await viewer.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "Nope", scopes = new[] { "read" } });
        using var members = await viewer.SendAsync(HttpMethod.Get, "/api/v1/members");

        await AuthApi.AssertProblemAsync(write, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(invite, HttpStatusCode.Forbidden);
        await AuthApi.AssertProblemAsync(key, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, members.StatusCode);
    }
}
