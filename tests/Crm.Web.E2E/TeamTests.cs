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
        var link = await InviteAsync(owner, $"colleague-{Guid.NewGuid():N}@example.com");

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

    [Fact]
    public async Task A_member_of_two_workspaces_switches_between_them_and_sees_each_ones_records_only()
    {
        var alpha = await app.NewPageAsync();
        await alpha.SignUpAsync("Alpha Works");
        var beta = await app.NewPageAsync();
        var betaEmail = await beta.SignUpAsync("Beta Works");
        await beta.CreateContactAsync("Betty", "Beta", "betty@beta.example");

        // Alpha's owner invites Beta's owner, who joins with the account they are signed in with.
        var link = await InviteAsync(alpha, betaEmail);
        await beta.GotoAsync(link);
        await beta.GetByRole(AriaRole.Button, new() { Name = "Join with this account" }).ClickAsync();
        await beta.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await beta.WaitForInteractiveAsync();
        await Expect(beta.GetByTestId("workspace-name")).ToHaveTextAsync("Alpha Works");
        await beta.OpenAsync("/contacts");
        await Expect(beta.GetByTestId("empty-state")).ToBeVisibleAsync();

        // The workspace menu lists both; choosing one comes back signed in to it.
        await beta.GetByTestId("workspace-name").ClickAsync();
        await beta.GetByRole(AriaRole.Button, new() { Name = "Beta Works" }).ClickAsync();
        await Expect(beta.GetByTestId("workspace-name")).ToHaveTextAsync("Beta Works", new() { Timeout = 20_000 });
        await beta.WaitForInteractiveAsync();
        await beta.OpenAsync("/contacts");
        await Expect(beta.Locator("main table")).ToContainTextAsync("betty@beta.example");
    }

    [Fact]
    public async Task A_viewer_reads_records_but_is_offered_no_way_to_change_them()
    {
        var owner = await app.NewPageAsync();
        await owner.SignUpAsync("Read Only");
        await owner.CreateContactAsync("Vera", "Visible", "vera@example.com");
        var contactPath = new Uri(owner.Url).PathAndQuery;
        var link = await InviteAsync(owner, $"viewer-{Guid.NewGuid():N}@example.com", "viewer");

        var viewer = await app.NewPageAsync();
        await viewer.GotoAsync(link);
        await viewer.GetByLabel("First name").FillAsync("Val");
        await viewer.GetByLabel("Password").FillAsync("Str0ng!Passw0rd");
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Join workspace" }).ClickAsync();
        await viewer.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        await viewer.OpenAsync("/contacts");
        await Expect(viewer.Locator("main table")).ToContainTextAsync("vera@example.com");
        await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "New contact" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "New" })).ToHaveCountAsync(0);

        await viewer.OpenAsync(contactPath);
        await Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Vera Visible", Level = 1 })).ToBeVisibleAsync();
        await Expect(viewer.GetByRole(AriaRole.Region, new() { Name = "Timeline" })).ToBeVisibleAsync();
        await Expect(viewer.Locator("main")).ToContainTextAsync("vera@example.com");
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Edit First name" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Tab, new() { Name = "Log activity" })).ToHaveCountAsync(0);
        await Expect(viewer.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
    }

    private static async Task<string> InviteAsync(IPage owner, string email, string role = "sales_rep")
    {
        await owner.OpenAsync("/settings/members");
        await owner.GetByLabel("Email").FillAsync(email);
        await owner.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(role);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        return await owner.GetByTestId("invitation-link").InputValueAsync();
    }
}
