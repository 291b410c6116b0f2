namespace Crm.AppHost.Tests;

/// <summary>
/// Every service of the Aspire app model becomes healthy and answers its own <c>/health</c> with 200. The names are
/// the resource names of Crm.AppHost/Aspire/Program.cs, which local mode shares.
/// </summary>
public sealed class ServiceHealthTests(AspireAppFixture fixture) : IClassFixture<AspireAppFixture>
{
    [Theory]
    [InlineData("api")]
    [InlineData("search")]
    [InlineData("aiworker")]
    [InlineData("web")]
    public async Task Service_becomes_healthy_and_answers_health_with_200(string resourceName)
    {
        using var timeout = new CancellationTokenSource(AspireAppFixture.StartupTimeout);
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, timeout.Token);

        using var client = fixture.App.CreateHttpClient(resourceName);
        using var response = await client.GetAsync("/health", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
