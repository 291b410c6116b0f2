using Microsoft.Playwright;

namespace Crm.Web.E2E.Infrastructure;

/// <summary>The steps every browser test repeats: open a page and wait until Blazor is interactive, sign up, sign in, screenshot.</summary>
public static class PageExtensions
{
    /// <summary>
    /// Opens a path and waits for the interactive circuit (the layout marks html[data-interactive]): clicks made on
    /// the prerendered page before that would be lost.
    /// </summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForInteractiveAsync();
    }

    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("html[data-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    /// <summary>Creates an account and its workspace through the sign-up form; lands on the dashboard.</summary>
    public static async Task<string> SignUpAsync(this IPage page, string workspaceName)
    {
        var email = $"e2e-{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/signup");
        await page.GetByLabel("First name").FillAsync("Erin");
        await page.GetByLabel("Last name").FillAsync("Tester");
        await page.GetByLabel("Work email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Str0ng!Passw0rd");
        await page.GetByLabel("Company or team name").FillAsync(workspaceName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create workspace" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.WaitForInteractiveAsync();
        return email;
    }

    public static async Task SignInAsync(this IPage page, string email, string password)
    {
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await page.WaitForInteractiveAsync();
    }

    /// <summary>A PNG in artifacts/screenshots, named after the page (and width): the whole page, or what the screen shows.</summary>
    public static Task SaveScreenshotAsync(this IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(WebApp.ScreenshotDirectory, $"{name}.png"), FullPage = fullPage });
}
