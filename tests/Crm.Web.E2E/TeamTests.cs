using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

[Collection(WebAppCollection.Name)]
public sealed class TeamTests(WebApp app)
{
    [Fact]
    public async Task An_owner_invites_a_colleague_who_joins_through_the_link_with_the_role_given()
    {
        var owner = await app.NewPageAsync();
        await owner.SignUpAsync("Team Flow");
        await owner.OpenAsync("/settings/members");
        var email = $"colleague-{Guid.NewGuid():N}@example.com";
        await owner.GetByLabel("Email").FillAsync(email);
        await owner.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("sales_rep");
        await owner.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        var link = await owner.GetByTestId("invitation-link").InputValueAsync();

        var colleague = await app.NewPageAsync();
        await colleague.GotoAsync(link);
        await colleague.GetByLabel("First name").FillAsync("Casey");
        await colleague.GetByLabel("Last name").FillAsync("Colleague");
        await colleague.GetByLabel("Password").FillAsync("Str0ng!Passw0rd");
        await colleague.GetByRole(AriaRole.Button, new() { Name = "Join workspace" }).ClickAsync();
        await colleague.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await colleague.WaitForInteractiveAsync();

        await Expect(colleague.GetByTestId("workspace-name")).ToHaveTextAsync("Team Flow");
        await Expect(colleague.Locator(".user-role")).ToHaveTextAsync("sales rep");
    }
}
