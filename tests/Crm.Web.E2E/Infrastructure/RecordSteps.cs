using Microsoft.Playwright;

namespace Crm.Web.E2E.Infrastructure;

/// <summary>Records made through the web's own forms, as a user would.</summary>
public static class RecordSteps
{
    public static async Task CreateCompanyAsync(this IPage page, string name, string domain)
    {
        await page.OpenAsync("/companies/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Domain").FillAsync(domain);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create company" }).ClickAsync();
        await page.WaitForRecordPageAsync("companies");
    }

    public static async Task CreateContactAsync(this IPage page, string firstName, string lastName, string email)
    {
        await page.OpenAsync("/contacts/new");
        await page.GetByLabel("First name").FillAsync(firstName);
        await page.GetByLabel("Last name").FillAsync(lastName);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create contact" }).ClickAsync();
        await page.WaitForRecordPageAsync("contacts");
    }

    public static async Task CreateDealAsync(this IPage page, string name, decimal value)
    {
        await page.OpenAsync("/deals/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await page.GetByLabel("Value").FillAsync(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create deal" }).ClickAsync();
        await page.WaitForRecordPageAsync("deals");
    }

    /// <summary>Waits for /{plural}/{id}, the page a create form goes to.</summary>
    public static Task WaitForRecordPageAsync(this IPage page, string plural) =>
        page.WaitForURLAsync(url =>
        {
            var segments = new Uri(url).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return segments.Length == 2 && segments[0] == plural && Guid.TryParse(segments[1], out _);
        });
}
