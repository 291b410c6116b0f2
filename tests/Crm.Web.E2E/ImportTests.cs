using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

[Collection(WebAppCollection.Name)]
public sealed class ImportTests(WebApp app)
{
    [Fact]
    public async Task A_small_CSV_is_imported_with_a_mapped_column_and_its_contacts_are_listed()
    {
        var page = await app.NewPageAsync();
        await page.SignUpAsync("Import Flow");

        await page.OpenAsync("/imports");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Import", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Import into").SelectOptionAsync("contacts");
        await page.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload
        {
            Name = "people.csv",
            MimeType = "text/csv",
            Buffer = """
                     firstName,lastName,E-mail
                     Grace,Hopper,grace@navy.example
                     Alan,Turing,alan@bletchley.example
                     Katherine,Johnson,katherine@nasa.example

                     """u8.ToArray(),
        });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();

        // "E-mail" is not a field's name: map it by hand.
        await page.GetByLabel("E-mail").SelectOptionAsync(new SelectOptionValue { Label = "Email" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Start import" }).ClickAsync();

        await Expect(page.GetByText("Completed").First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("main")).ToContainTextAsync("3 created");

        await page.OpenAsync("/contacts");
        var contacts = page.Locator("main table");
        await Expect(contacts).ToContainTextAsync("grace@navy.example");
        await Expect(contacts).ToContainTextAsync("alan@bletchley.example");
        await Expect(contacts).ToContainTextAsync("katherine@nasa.example");

        // And out again: the list's CSV export, as the browser downloads it.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("id,", csv, StringComparison.Ordinal);
        Assert.Contains("grace@navy.example", csv, StringComparison.Ordinal);
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
