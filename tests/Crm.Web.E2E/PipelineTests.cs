using Crm.Web.E2E.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Crm.Web.E2E;

[Collection(WebAppCollection.Name)]
public sealed class PipelineTests(WebApp app)
{
    [Fact]
    public async Task A_deal_dragged_to_the_next_stage_moves_there_and_stays_after_a_reload()
    {
        var page = await app.NewPageAsync();
        await page.SignUpAsync("Board Flow");
        await page.CreateDealAsync("Rocket fuel contract", 12000);

        await page.OpenAsync("/pipeline");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pipeline", Level = 1 })).ToBeVisibleAsync();
        var card = page.GetByTestId("deal-card").Filter(new() { HasText = "Rocket fuel contract" });
        await Expect(Column(page, "New").GetByTestId("deal-card")).ToContainTextAsync("Rocket fuel contract");

        await card.DragToAsync(Column(page, "Contacted"));

        await Expect(Column(page, "Contacted").GetByTestId("deal-card")).ToContainTextAsync("Rocket fuel contract");
        await Expect(Column(page, "New").GetByTestId("deal-card")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await page.WaitForInteractiveAsync();
        await Expect(Column(page, "Contacted").GetByTestId("deal-card")).ToContainTextAsync("Rocket fuel contract");
    }

    [Fact]
    public async Task The_keyboard_alternative_moves_a_deal_too()
    {
        var page = await app.NewPageAsync();
        await page.SignUpAsync("Board Keyboard");
        await page.CreateDealAsync("Keyboard deal", 500);

        await page.OpenAsync("/pipeline");
        await page.GetByLabel("Move Keyboard deal to stage").SelectOptionAsync(new SelectOptionValue { Label = "Qualified" });

        await Expect(Column(page, "Qualified").GetByTestId("deal-card")).ToContainTextAsync("Keyboard deal");
    }

    private static ILocator Column(IPage page, string stage) => page.Locator($"[data-testid=stage-column][data-stage='{stage}']");
}
