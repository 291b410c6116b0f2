using Crm.AppHost.Local;
using Crm.SystemTests;
using Microsoft.Playwright;

namespace Crm.Web.E2E.Infrastructure;

/// <summary>
/// The system under test: Crm.AppHost in local mode with a small demo workspace (every service, real PostgreSQL and
/// Redis), and Debian's Chromium, headless, driven by Playwright. Started once for all browser tests.
/// </summary>
public sealed class WebApp : IAsyncLifetime
{
    /// <summary>Where each main page's screenshot goes (README, "Tests"): artifacts/screenshots in the repository.</summary>
    public static readonly string ScreenshotDirectory =
        Path.Combine(LocalOptions.Parse([]).RepositoryRoot, "artifacts", "screenshots");

    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly TemporaryDataDirectory _data = new();
    private AppHostRun? _appHost;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string WebUrl => _appHost!.Addresses["CRM_WEB_URL"];

    public string ApiUrl => _appHost!.Addresses["CRM_API_URL"];

    public string DataDirectory => _data.Path;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        Assertions.SetDefaultExpectTimeout(30_000);
        _appHost = await AppHostRun.StartAsync(_data.Path, demo: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context (own cookies) and page at the given width (1280 desktop, 390 phone) and time zone.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 860, string timeZone = "UTC")
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            TimezoneId = timeZone,
        });
        // Generous: the suite runs beside the other test projects on two cores, and a wait ends as soon as its condition holds.
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>What the AppHost printed: attached to failures so a broken service shows why.</summary>
    public string AppHostOutput => _appHost?.Output ?? "";

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_appHost is not null)
        {
            await _appHost.DisposeAsync();
        }
        _data.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class WebAppCollection : ICollectionFixture<WebApp>
{
    public const string Name = "web app";
}
