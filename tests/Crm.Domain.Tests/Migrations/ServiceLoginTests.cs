using Crm.Domain.Migrations;
using Crm.Domain.Tests.Tenancy;
using Crm.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Crm.Domain.Tests.Migrations;

/// <summary>
/// The services' login (ConnectionStrings:crmdb) as <see cref="ServiceLogin"/> sets it up: a member of crm_app that
/// owns nothing, so row-level security holds for every connection it opens, through the tenant session or not.
/// </summary>
public class ServiceLoginTests
{
    [Fact]
    public async Task The_service_login_is_created_as_a_member_of_crm_app_that_is_neither_owner_nor_superuser()
    {
        await using var workspaces = await TwoWorkspaces.CreateAsync();
        var serviceConnection = TestServers.ServiceConnectionString(workspaces.Database.Name);

        await EnsureAsync(workspaces, serviceConnection);

        await using var connection = new NpgsqlConnection(serviceConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT current_user, r.rolsuper, r.rolbypassrls, pg_has_role(current_user, 'crm_app', 'MEMBER'),
                   EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid)
            FROM pg_roles r WHERE r.rolname = current_user
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(TestServers.ServiceUser, reader.GetString(0));
        Assert.False(reader.GetBoolean(1), "superuser");
        Assert.False(reader.GetBoolean(2), "BYPASSRLS");
        Assert.True(reader.GetBoolean(3), "member of crm_app");
        Assert.False(reader.GetBoolean(4), "owns a relation");
    }

    [Fact]
    public async Task A_service_connection_without_a_tenant_session_sees_no_tenant_rows_and_cannot_write_any()
    {
        await using var workspaces = await TwoWorkspaces.CreateAsync();
        var serviceConnection = TestServers.ServiceConnectionString(workspaces.Database.Name);
        await EnsureAsync(workspaces, serviceConnection);

        // A connection that skipped the interceptor: no SET ROLE, no crm.workspace_id.
        await using var dataSource = NpgsqlDataSource.Create(serviceConnection);
        foreach (var table in TwoWorkspaces.TenantTables)
        {
            await using var count = dataSource.CreateCommand($"SELECT count(*) FROM {table.Name}");
            Assert.Equal(0L, await count.ExecuteScalarAsync());
        }
        await using var insert = dataSource.CreateCommand("INSERT INTO teams (id, workspace_id, name) VALUES (gen_random_uuid(), @workspace, 'stolen')");
        insert.Parameters.AddWithValue("workspace", workspaces.A.Id);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);

        // Through a tenant session it sees its own workspace's rows, as the services do.
        await using var connection = await dataSource.OpenConnectionAsync();
        await workspaces.A.Session.ApplyAsync(connection);
        await using var own = new NpgsqlCommand("SELECT count(*) FROM teams", connection);
        Assert.Equal(1L, await own.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_changed_service_password_is_applied_and_the_old_one_stops_working()
    {
        await using var workspaces = await TwoWorkspaces.CreateAsync();
        var serviceConnection = TestServers.ServiceConnectionString(workspaces.Database.Name);
        await EnsureAsync(workspaces, serviceConnection);
        var changed = new NpgsqlConnectionStringBuilder(serviceConnection)
        {
            Username = "crm_service_rotation_test",
            Password = "first-password",
        };
        await EnsureAsync(workspaces, changed.ConnectionString);
        var old = changed.ConnectionString;
        changed.Password = "second-password";

        await EnsureAsync(workspaces, changed.ConnectionString);

        await using (var connection = new NpgsqlConnection(changed.ConnectionString))
        {
            await connection.OpenAsync();
        }
        var rejected = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(old + ";Pooling=false");
            await connection.OpenAsync();
        });
        Assert.Equal(PostgresErrorCodes.InvalidPassword, rejected.SqlState);
    }

    [Fact]
    public async Task The_schema_owner_is_refused_as_the_service_login()
    {
        await using var workspaces = await TwoWorkspaces.CreateAsync();

        var refused = await Assert.ThrowsAsync<MigrationException>(() => EnsureAsync(workspaces, workspaces.Database.ConnectionString));

        Assert.Contains("row-level security would not hold", refused.Message);
        Assert.Contains("ConnectionStrings:crmdb-owner", refused.Message);
    }

    private static Task EnsureAsync(TwoWorkspaces workspaces, string serviceConnection) =>
        new ServiceLogin(workspaces.DataSource, serviceConnection, NullLogger.Instance).EnsureAsync(CancellationToken.None);
}
