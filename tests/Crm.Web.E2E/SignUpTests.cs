using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

[Collection(WebAppCollection.Name)]
public sealed class SignUpTests(WebApp app)
{
    [Fact]
    public async Task Signing_up_creates_a_workspace_opens_its_dashboard_and_signing_out_and_in_again_works()
    {
        var page = await app.NewPageAsync();
        var email = await page.SignUpAsync("Globex Rockets");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("workspace-name")).ToHaveTextAsync("Globex Rockets");
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync("Erin Tester");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");
        // Signed out: a page of the app sends the browser to sign in, and back there afterwards.
        await page.GotoAsync("/pipeline");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Str0ng!Passw0rd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/pipeline");
        await page.WaitForInteractiveAsync();
        await Expect(page.GetByTestId("workspace-name")).ToHaveTextAsync("Globex Rockets");
    }

    [Fact]
    public async Task A_refused_sign_up_shows_the_error_at_its_field_and_keeps_what_was_typed()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/signup");
        await page.GetByLabel("First name").FillAsync("Erin");
        await page.GetByLabel("Work email").FillAsync($"weak-{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Password").FillAsync("weak");
        await page.GetByLabel("Company or team name").FillAsync("Weak Passwords Inc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();

        // Identity's password rules, from the API's problem details, under the password field.
        await Expect(page.Locator(".field-invalid .field-error")).ToContainTextAsync("Password");
        await Expect(page.GetByLabel("First name")).ToHaveValueAsync("Erin");
        await Expect(page.GetByLabel("Company or team name")).ToHaveValueAsync("Weak Passwords Inc");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_in_place()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync("nobody@example.com");
        await page.GetByLabel("Password").FillAsync("Wr0ng!Password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.GetByTestId("error-banner")).ToContainTextAsync("Invalid email or password.");
        await Expect(page.GetByLabel("Email")).ToHaveValueAsync("nobody@example.com");
    }
}
