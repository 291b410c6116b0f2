using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

[Collection(WebAppCollection.Name)]
public sealed class SearchTests(WebApp app)
{
    [Fact]
    public async Task A_contact_is_found_from_the_search_box_despite_a_typo_and_Enter_opens_it()
    {
        var page = await app.NewPageAsync();
        await page.SignUpAsync("Search Flow");
        await page.CreateContactAsync("Bartholomew", "Quigley", "bart@quigley.example");

        // Ctrl+K focuses the box from anywhere.
        await page.OpenAsync("/");
        await page.Keyboard.PressAsync("Control+k");
        var box = page.GetByLabel("Search", new() { Exact = true });
        await Expect(box).ToBeFocusedAsync();

        // The record is searchable once Crm.Search has indexed it (typically well under a second): type again until then.
        var hit = page.GetByRole(AriaRole.Option).Filter(new() { HasText = "Bartholomew Quigley" });
        for (var attempt = 0; attempt < 20 && !await hit.IsVisibleAsync(); attempt++)
        {
            await box.FillAsync("");
            await box.PressSequentiallyAsync("bartholomew quigly");
            try
            {
                await hit.WaitForAsync(new LocatorWaitForOptions { Timeout = 2000 });
            }
            catch (TimeoutException)
            {
                // Not indexed yet.
            }
        }
        await Expect(hit).ToBeVisibleAsync();

        await box.PressAsync("Enter");
        await page.WaitForRecordPageAsync("contacts");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Bartholomew Quigley", Level = 1 })).ToBeVisibleAsync();
    }
}
