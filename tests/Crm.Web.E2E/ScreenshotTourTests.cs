using Crm.AppHost.Local;
using Crm.SystemTests;
using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

/// <summary>
/// Every main page of the demo workspace, at desktop and phone width: it renders its heading without an error, every
/// input has an accessible name, and its screenshot goes to artifacts/screenshots for people to look at.
/// </summary>
[Collection(WebAppCollection.Name)]
public sealed class ScreenshotTourTests(WebApp app)
{
    private static readonly (string Path, string Name, string Heading)[] Pages =
    [
        ("/", "dashboard", "Dashboard"),
        ("/contacts", "contacts", "Contacts"),
        ("/companies", "companies", "Companies"),
        ("/leads", "leads", "Leads"),
        ("/deals", "deals", "Deals"),
        ("/pipeline", "pipeline", "Pipeline"),
        ("/segments", "segments", "Segments"),
        ("/imports", "imports", "Import"),
        ("/settings", "settings", "Settings"),
        ("/search?q=onboarding", "search", "Search"),
    ];

    [Fact]
    public async Task Every_main_page_renders_at_desktop_width()
    {
        var page = await SignInToDemoAsync(1280);
        foreach (var (path, name, heading) in Pages)
        {
            await VisitAsync(page, path, heading, $"desktop-{name}");
        }
        foreach (var plural in new[] { "contacts", "companies", "leads", "deals" })
        {
            await VisitFirstRecordAsync(page, plural, $"desktop-{plural}-record");
        }
    }

    [Fact]
    public async Task The_main_pages_render_at_phone_width()
    {
        var page = await SignInToDemoAsync(390);
        foreach (var (path, name, heading) in Pages.Where(p => p.Name is "dashboard" or "contacts" or "pipeline"))
        {
            await VisitAsync(page, path, heading, $"phone-{name}");
        }
        await VisitFirstRecordAsync(page, "contacts", "phone-contacts-record");

        // The navigation is behind the menu button on a phone.
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the menu" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Companies" })).ToBeVisibleAsync();
        await Expect(page.Locator(".sidebar")).ToHaveCSSAsync("transform", "none");
        await page.SaveScreenshotAsync("phone-menu", fullPage: false);
    }

    private async Task<IPage> SignInToDemoAsync(int width)
    {
        var page = await app.NewPageAsync(width);
        await page.SignInAsync(DemoLogin.DefaultEmail, await DemoSignIn.PasswordAsync(app.DataDirectory));

        // The demo workspace fills in the background after the API starts: wait for its contacts.
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await page.OpenAsync("/contacts");
            if (await page.Locator("main table tbody tr").CountAsync() >= 10)
            {
                break;
            }
            await Task.Delay(2000);
        }
        return page;
    }

    private static async Task VisitAsync(IPage page, string path, string heading, string screenshot)
    {
        await page.OpenAsync(path);
        await CheckAsync(page, heading, screenshot);
    }

    private static async Task VisitFirstRecordAsync(IPage page, string plural, string screenshot)
    {
        await page.OpenAsync($"/{plural}");
        var link = page.Locator($"main table tbody tr a[href^='{plural}/']").First;
        var title = (await link.InnerTextAsync()).Trim();
        await link.ClickAsync();
        await page.WaitForRecordPageAsync(plural);
        await CheckAsync(page, title, screenshot);
    }

    private static async Task CheckAsync(IPage page, string heading, string screenshot)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        // Let the parts that load on their own finish (skeletons and spinners gone), within reason.
        try
        {
            await page.Locator(".loading, .skeleton").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        }
        catch (TimeoutException)
        {
            // A part still loading is in the screenshot; what matters is checked below.
        }
        await Expect(page.Locator("main")).Not.ToContainTextAsync("This page ran into a problem");

        var unlabelled = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                .filter(e => e.offsetParent !== null && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                             && !e.getAttribute('aria-labelledby') && !e.title)
                .map(e => e.outerHTML.slice(0, 160))
            """);
        Assert.True(unlabelled.Length == 0, $"{screenshot}: inputs without a label: {string.Join("; ", unlabelled)}");

        await page.SaveScreenshotAsync(screenshot);
    }
}
