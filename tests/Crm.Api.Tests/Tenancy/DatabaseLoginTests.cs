using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Testing;

namespace Crm.Api.Tests.Tenancy;

/// <summary>
/// The API talks to PostgreSQL as the service login, which owns nothing (so row-level security holds for it); the
/// schema owner's connection is used for the migrations at startup and closed after.
/// </summary>
public sealed class DatabaseLoginTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Requests_run_as_the_service_login_and_no_owner_connection_stays_open()
    {
        using var client = api.CreateClient();
        var tokens = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Logins");
        using var me = await AuthApi.GetMeAsync(client, tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // Client connections only: an autovacuum worker on this database has no user.
        await using var command = api.Database.DataSource.CreateCommand(
            "SELECT application_name, usename FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
        var sessions = new List<(string Application, string User)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sessions.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains(sessions, s => s.Application == "Crm.Api");
        Assert.All(sessions, s => Assert.Equal(TestServers.ServiceUser, s.User));
    }
}
