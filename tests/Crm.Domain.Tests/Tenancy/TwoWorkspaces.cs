using Crm.Domain.Tenancy;
using Crm.Domain.Tests.Persistence;
using Crm.Testing;
using Npgsql;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>The rows seeded for one workspace: its owner and one row in every tenant table.</summary>
internal sealed record SeededWorkspace(Guid Id, Guid UserId, Guid MemberId, Guid TeamId, Guid AuditLogId, Guid SecurityLogId)
{
    /// <summary>The workspace's owner working in it.</summary>
    public TenantSession Session => new(Id, UserId);
}

/// <summary>A tenant table and the column that identifies a seeded row (team_members has no id of its own).</summary>
internal sealed record TenantTable(string Name, string KeyColumn, Func<SeededWorkspace, Guid> Key);

/// <summary>
/// A migrated test database with workspaces A and B, seeded by the tables' owner (a superuser, so RLS does not apply):
/// a user per workspace who owns it and is in its team, and an audit and a security log row each.
/// </summary>
internal sealed class TwoWorkspaces : IAsyncDisposable
{
    /// <summary>Every table whose rows belong to a workspace (workspaces itself is keyed by id, not workspace_id).</summary>
    public static readonly TenantTable[] TenantTables =
    [
        new("workspace_members", "id", w => w.MemberId),
        new("teams", "id", w => w.TeamId),
        new("team_members", "team_id", w => w.TeamId),
        new("audit_logs", "id", w => w.AuditLogId),
        new("security_logs", "id", w => w.SecurityLogId),
    ];

    private TwoWorkspaces(TestDatabase database, SeededWorkspace a, SeededWorkspace b)
    {
        Database = database;
        A = a;
        B = b;
    }

    public TestDatabase Database { get; }

    public NpgsqlDataSource DataSource => Database.DataSource;

    public SeededWorkspace A { get; }

    public SeededWorkspace B { get; }

    public static async Task<TwoWorkspaces> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            await database.MigrateAsync();
            var a = await SeedAsync(database.DataSource, "alpha");
            var b = await SeedAsync(database.DataSource, "beta");
            return new TwoWorkspaces(database, a, b);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public static TenantTable Table(string name) => TenantTables.Single(t => t.Name == name);

    /// <summary>A connection acting for <paramref name="session"/>, as the services' connections do.</summary>
    public async Task<NpgsqlConnection> OpenAsync(TenantSession session)
    {
        var connection = await DataSource.OpenConnectionAsync();
        await session.ApplyAsync(connection);
        return connection;
    }

    /// <summary>A new user, not a member of any workspace.</summary>
    public async Task<Guid> CreateUserAsync(string name)
    {
        var id = Guid.CreateVersion7();
        await using var command = DataSource.CreateCommand(
            "INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email) VALUES (@id, @name, upper(@name), @email, upper(@email))");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("email", $"{name}@example.com");
        await command.ExecuteNonQueryAsync();
        return id;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    private static async Task<SeededWorkspace> SeedAsync(NpgsqlDataSource dataSource, string name)
    {
        var workspace = new SeededWorkspace(
            Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email)
                VALUES (@user, @name, upper(@name), @email, upper(@email));
            INSERT INTO workspaces (id, name, slug) VALUES (@workspace, @name, @name);
            INSERT INTO workspace_members (id, workspace_id, user_id, role, record_scope) VALUES (@member, @workspace, @user, 'owner', 'all');
            INSERT INTO teams (id, workspace_id, name) VALUES (@team, @workspace, 'Sales');
            INSERT INTO team_members (workspace_id, team_id, user_id, role) VALUES (@workspace, @team, @user, 'lead');
            INSERT INTO audit_logs (id, workspace_id, entity_type, entity_id, action, actor_user_id)
                VALUES (@audit, @workspace, 'team', @team, 'created', @user);
            INSERT INTO security_logs (id, workspace_id, event_type, user_id, user_email)
                VALUES (@security, @workspace, 'login_success', @user, @email);
            """);
        command.Parameters.AddWithValue("workspace", workspace.Id);
        command.Parameters.AddWithValue("user", workspace.UserId);
        command.Parameters.AddWithValue("member", workspace.MemberId);
        command.Parameters.AddWithValue("team", workspace.TeamId);
        command.Parameters.AddWithValue("audit", workspace.AuditLogId);
        command.Parameters.AddWithValue("security", workspace.SecurityLogId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("email", $"{name}@example.com");
        await command.ExecuteNonQueryAsync();
        return workspace;
    }
}

/// <summary>Raw SQL on a connection, so assertions about row-level security do not go through EF.</summary>
internal static class SqlConnectionExtensions
{
    public static async Task<List<Guid>> GuidsAsync(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<Guid>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public static async Task<T> ScalarAsync<T>(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task<int> ExecuteAsync(this NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }
}
