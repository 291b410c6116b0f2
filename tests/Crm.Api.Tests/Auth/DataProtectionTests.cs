using System.Net;
using System.Xml.Linq;
using Crm.Api.Infrastructure.DataProtection;

namespace Crm.Api.Tests.Auth;

public sealed class DataProtectionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Tokens_still_validate_on_another_host_over_the_same_database()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Restart");

        // A second host: its own service provider and in-memory key ring cache, the same database (a restart, or a replica).
        await using var restarted = api.WithWebHostBuilder(_ => { });
        using var restartedClient = restarted.CreateClient();

        var me = await AuthApi.MeAsync(restartedClient, registered.AccessToken);
        using var refresh = await AuthApi.PostRefreshAsync(restartedClient, registered.RefreshToken);

        Assert.Equal(registered.Workspace, me.Workspace);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        await using var count = api.Database.DataSource.CreateCommand("SELECT count(*) FROM data_protection_keys");
        Assert.True((long)(await count.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public void Keys_stored_by_one_repository_are_read_by_another()
    {
        using var client = api.CreateClient(); // the host has migrated the database
        var id = Guid.NewGuid().ToString();
        var element = new XElement("key", new XAttribute("id", id), new XElement("payload", "secret"));

        new PostgresXmlRepository(api.Database.DataSource).StoreElement(element, $"key-{id}");
        var read = new PostgresXmlRepository(api.Database.DataSource).GetAllElements();

        var stored = Assert.Single(read, e => (string?)e.Attribute("id") == id);
        Assert.Equal("secret", stored.Element("payload")?.Value);
    }
}
