using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Usage: WebBench <webUrl> <email> <password> <webPid> [loads=20] [circuits=50]
// 1. For each main page, `loads` navigations: from the request until the page is usable (interactive, heading shown,
//    no skeleton or spinner left), p50/p95/max.
// 2. Global search: type a query, time until the first result shows.
// 3. Memory: the web process's resident set before and after `circuits` more signed-in tabs, each on the contacts list.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: WebBench <webUrl> <email> <password> <webPid> [loads=20] [circuits=50]");
    return 2;
}
var (webUrl, email, password, webPid) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
var loads = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20;
var circuits = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 50;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});

var first = await SignedInPageAsync();
var contactLink = first.Locator("main table tbody tr a[href^='contacts/']").First;
await first.GotoAsync("/contacts");
await contactLink.WaitForAsync();
var contactPath = "/" + await contactLink.GetAttributeAsync("href");

Console.WriteLine($"Page loads ({loads} each, after 3 warm-up loads; from navigation start to usable):");
Console.WriteLine("| page | p50 ms | p95 ms | max ms |");
Console.WriteLine("|---|---|---|---|");
foreach (var (name, path) in new[] { ("dashboard", "/"), ("contacts list", "/contacts"), ("contact page", contactPath), ("pipeline board", "/pipeline") })
{
    var times = new List<double>();
    for (var i = 0; i < loads + 3; i++)
    {
        var watch = Stopwatch.StartNew();
        await first.GotoAsync(path);
        await first.Locator("html[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await first.Locator("main h1").First.WaitForAsync();
        await first.WaitForFunctionAsync("() => !document.querySelector('main .skeleton, main .loading')", null, new() { Timeout = 60_000 });
        if (i >= 3)
        {
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
    }
    Console.WriteLine($"| {name} | {Percentile(times, 50):0} | {Percentile(times, 95):0} | {times.Max():0} |");
}

var searchTimes = new List<double>();
foreach (var query in Enumerable.Repeat(new[] { "jonh", "acme", "migraton", "premium", "smith" }, 4).SelectMany(q => q))
{
    await first.GotoAsync("/");
    await first.Locator("html[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    var box = first.Locator("#global-search");
    await box.FocusAsync();
    var watch = Stopwatch.StartNew();
    await box.PressSequentiallyAsync(query);
    await first.Locator("[role=option]").First.WaitForAsync();
    searchTimes.Add(watch.Elapsed.TotalMilliseconds);
}
Console.WriteLine();
Console.WriteLine($"Global search, from the first key to the first result shown ({searchTimes.Count} queries typed at Playwright's speed, 200 ms debounce included): p50 {Percentile(searchTimes, 50):0} ms, p95 {Percentile(searchTimes, 95):0} ms");

var before = ResidentMegabytes(webPid);
var pages = new List<IPage>();
for (var i = 0; i < circuits; i++)
{
    var page = await SignedInPageAsync();
    await page.GotoAsync("/contacts");
    await page.Locator("main table tbody tr").First.WaitForAsync();
    pages.Add(page);
}
await Task.Delay(5000);
var after = ResidentMegabytes(webPid);
Console.WriteLine();
Console.WriteLine($"Memory of the web process: {before:0} MB with 1 open tab, {after:0} MB with {circuits + 1} ({(after - before) / circuits:0.0} MB per circuit on the contacts list)");
return 0;

async Task<IPage> SignedInPageAsync()
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = webUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 860 } });
    context.SetDefaultTimeout(60_000);
    var page = await context.NewPageAsync();
    await page.GotoAsync("/login");
    await page.GetByLabel("Email").FillAsync(email);
    await page.GetByLabel("Password").FillAsync(password);
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.Locator("html[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    return page;
}

static double Percentile(List<double> values, double percent)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Clamp(Math.Ceiling(percent / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static double ResidentMegabytes(int pid) =>
    File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
        .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).First();
