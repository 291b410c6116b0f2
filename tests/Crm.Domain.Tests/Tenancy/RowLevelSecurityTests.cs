using Crm.Domain.Tenancy;
using Npgsql;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>
/// The second layer of workspace isolation (DESIGN.md section 6): raw SQL that bypasses EF entirely, on a connection
/// switched to a <see cref="TenantSession"/>, still reads and writes only its workspace's rows.
/// </summary>
public sealed class RowLevelSecurityTests : IAsyncLifetime
{
    private const string RlsViolation = "new row violates row-level security policy";

    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync() => _db = await TwoWorkspaces.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    public static TheoryData<string> TenantTableNames => new(TwoWorkspaces.TenantTables.Select(t => t.Name));

    [Fact]
    public async Task ApplyAsync_switches_the_connection_to_crm_app_with_the_session_for_every_later_command()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);

        Assert.Equal(TenantSession.ApplicationRole, await connection.ScalarAsync<string>("SELECT current_user::text"));
        Assert.Equal("postgres", await connection.ScalarAsync<string>("SELECT session_user::text"));
        Assert.Equal(_db.A.Id, await connection.ScalarAsync<Guid>("SELECT crm_workspace_id()"));
        Assert.Equal(_db.A.UserId, await connection.ScalarAsync<Guid>("SELECT crm_user_id()"));
        // Not scoped to a transaction: still in force for the next statement.
        Assert.Equal([_db.A.Id], await connection.GuidsAsync("SELECT id FROM workspaces"));
    }

    [Fact]
    public async Task A_pooled_connection_reopened_without_ApplyAsync_is_back_to_the_owner_with_no_session()
    {
        _db.DataSource.Clear(); // closes the idle connections, so the pool holds just the one opened next
        int backend;
        await using (var connection = await _db.OpenAsync(_db.A.Session))
        {
            backend = await connection.ScalarAsync<int>("SELECT pg_backend_pid()");
            Assert.Equal(TenantSession.ApplicationRole, await connection.ScalarAsync<string>("SELECT current_user::text"));
        }

        // Npgsql resets the session state (DISCARD ALL) when a connection goes back to the pool, so the session has to
        // be applied on every open: that is what TenantSessionInterceptor does for EF Core.
        await using var reopened = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(backend, await reopened.ScalarAsync<int>("SELECT pg_backend_pid()"));
        Assert.Equal("postgres", await reopened.ScalarAsync<string>("SELECT current_user::text"));
        Assert.True(await reopened.ScalarAsync<bool>("SELECT crm_workspace_id() IS NULL AND crm_user_id() IS NULL"));
    }

    [Fact]
    public async Task A_workspace_session_sees_only_its_workspace_rows_in_every_tenant_table()
    {
        foreach (var workspace in new[] { _db.A, _db.B })
        {
            await using var connection = await _db.OpenAsync(workspace.Session);

            Assert.Equal([workspace.Id], await connection.GuidsAsync("SELECT id FROM workspaces"));
            foreach (var table in TwoWorkspaces.TenantTables)
            {
                Assert.Equal([table.Key(workspace)], await connection.GuidsAsync($"SELECT {table.KeyColumn} FROM {table.Name}"));
                Assert.Equal(1L, await connection.ScalarAsync<long>($"SELECT count(*) FROM {table.Name}"));
            }
        }
    }

    [Theory]
    [InlineData("workspaces", "name = 'Hijacked'", "name = 'beta'")]
    [InlineData("workspace_members", "role = 'viewer'", "role = 'owner'")]
    [InlineData("teams", "name = 'Hijacked'", "name = 'Sales'")]
    [InlineData("team_members", "role = 'member'", "role = 'lead'")]
    public async Task Updates_and_deletes_of_another_workspace_rows_affect_nothing(string table, string change, string unchanged)
    {
        var (workspaceColumn, keyColumn, key) = table == "workspaces"
            ? ("id", "id", _db.B.Id)
            : ("workspace_id", TwoWorkspaces.Table(table).KeyColumn, TwoWorkspaces.Table(table).Key(_db.B));
        await using (var connection = await _db.OpenAsync(_db.A.Session))
        {
            Assert.Equal(0, await connection.ExecuteAsync($"UPDATE {table} SET {change} WHERE {workspaceColumn} = '{_db.B.Id}'"));
            Assert.Equal(0, await connection.ExecuteAsync($"DELETE FROM {table} WHERE {keyColumn} = '{key}'"));
        }

        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await owner.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {keyColumn} = '{key}' AND {unchanged}"));
    }

    [Theory]
    [MemberData(nameof(TenantTableNames))]
    public async Task Inserting_a_row_of_another_workspace_is_refused(string table)
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);

        // The same statement for the session's own workspace works, so the refusal below is row-level security's.
        Assert.Equal(1, await connection.ExecuteAsync(InsertSql(table, into: _db.A, other: _db.B)));
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(InsertSql(table, into: _db.B, other: _db.A)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains(RlsViolation, error.MessageText);
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await owner.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE workspace_id = '{_db.B.Id}'"));
    }

    [Fact]
    public async Task Creating_a_workspace_other_than_the_session_one_is_refused()
    {
        await using var connection = await _db.OpenAsync(_db.A.Session);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"INSERT INTO workspaces (id, name, slug) VALUES ('{Guid.CreateVersion7()}', 'Gamma', 'gamma')"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains(RlsViolation, error.MessageText);
    }

    [Theory]
    [InlineData("workspace_members")]
    [InlineData("teams")]
    [InlineData("team_members")]
    public async Task Moving_a_row_to_another_workspace_is_refused(string table)
    {
        var tenantTable = TwoWorkspaces.Table(table);
        await using var connection = await _db.OpenAsync(_db.A.Session);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"UPDATE {table} SET workspace_id = '{_db.B.Id}' WHERE {tenantTable.KeyColumn} = '{tenantTable.Key(_db.A)}'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains(RlsViolation, error.MessageText);
        Assert.Equal([tenantTable.Key(_db.A)], await connection.GuidsAsync($"SELECT {tenantTable.KeyColumn} FROM {table}"));
    }

    [Fact]
    public async Task A_team_member_cannot_point_at_another_workspace_team()
    {
        // Foreign key checks bypass row-level security, so only the key's workspace_id keeps references in the workspace.
        await using var connection = await _db.OpenAsync(_db.A.Session);

        var member = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ('{_db.A.Id}', '{_db.B.TeamId}', '{_db.A.UserId}')"));
        var subTeam = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            $"INSERT INTO teams (id, workspace_id, name, parent_team_id) VALUES ('{Guid.CreateVersion7()}', '{_db.A.Id}', 'Inside sales', '{_db.B.TeamId}')"));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, member.SqlState);
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, subTeam.SqlState);
    }

    [Fact]
    public async Task No_session_sees_no_rows_at_all()
    {
        await using var connection = await _db.OpenAsync(TenantSession.None);

        Assert.Equal(TenantSession.ApplicationRole, await connection.ScalarAsync<string>("SELECT current_user::text"));
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM workspaces"));
        foreach (var table in TwoWorkspaces.TenantTables)
        {
            Assert.Equal(0L, await connection.ScalarAsync<long>($"SELECT count(*) FROM {table.Name}"));
        }
    }

    [Fact]
    public async Task A_user_session_without_workspace_sees_only_the_user_workspaces_and_memberships()
    {
        // B's owner also joins A, so A has a membership that is not A's owner's.
        var bInA = Guid.CreateVersion7();
        await using (var owner = await _db.DataSource.OpenConnectionAsync())
        {
            await owner.ExecuteAsync($"INSERT INTO workspace_members (id, workspace_id, user_id) VALUES ('{bInA}', '{_db.A.Id}', '{_db.B.UserId}')");
        }

        await using (var connection = await _db.OpenAsync(new TenantSession(null, _db.A.UserId)))
        {
            Assert.Equal([_db.A.Id], await connection.GuidsAsync("SELECT id FROM workspaces"));
            Assert.Equal([_db.A.MemberId], await connection.GuidsAsync("SELECT id FROM workspace_members"));
            foreach (var table in TwoWorkspaces.TenantTables.Where(t => t.Name != "workspace_members"))
            {
                Assert.Equal(0L, await connection.ScalarAsync<long>($"SELECT count(*) FROM {table.Name}"));
            }
        }

        await using (var connection = await _db.OpenAsync(new TenantSession(null, _db.B.UserId)))
        {
            Assert.Equal(new[] { _db.A.Id, _db.B.Id }.Order(), (await connection.GuidsAsync("SELECT id FROM workspaces")).Order());
            Assert.Equal(new[] { bInA, _db.B.MemberId }.Order(), (await connection.GuidsAsync("SELECT id FROM workspace_members")).Order());
            Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM teams"));
        }
    }

    [Theory]
    [InlineData("audit_logs", "trace_id")]
    [InlineData("security_logs", "description")]
    public async Task The_logs_refuse_updates_and_deletes_from_crm_app(string table, string column)
    {
        var id = TwoWorkspaces.Table(table).Key(_db.A);
        await using var connection = await _db.OpenAsync(_db.A.Session);

        var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync($"UPDATE {table} SET {column} = 'tampered' WHERE id = '{id}'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync($"DELETE FROM {table} WHERE id = '{id}'"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        Assert.Contains($"permission denied for table {table}", update.MessageText);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
        Assert.Contains($"permission denied for table {table}", delete.MessageText);
        Assert.Equal([id], await connection.GuidsAsync($"SELECT id FROM {table}"));
    }

    [Theory]
    [InlineData("audit_logs", "trace_id")]
    [InlineData("security_logs", "description")]
    public async Task The_logs_refuse_updates_and_deletes_from_their_owner(string table, string column)
    {
        await using var owner = await _db.DataSource.OpenConnectionAsync();

        var update = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync($"UPDATE {table} SET {column} = 'tampered'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync($"DELETE FROM {table}"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        Assert.Equal($"{table} is append-only", update.MessageText);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
        Assert.Equal($"{table} is append-only", delete.MessageText);
        Assert.Equal(2L, await owner.ScalarAsync<long>($"SELECT count(*) FROM {table}"));
        Assert.Equal(0L, await owner.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {column} = 'tampered'"));
    }

    [Fact]
    public async Task A_security_event_without_workspace_can_be_written_but_no_session_reads_it()
    {
        var failedLogin = Guid.CreateVersion7();
        await using (var connection = await _db.OpenAsync(TenantSession.None))
        {
            Assert.Equal(1, await connection.ExecuteAsync(
                $"INSERT INTO security_logs (id, event_type, severity, user_email) VALUES ('{failedLogin}', 'login_failed', 'warning', 'alpha@example.com')"));
        }

        TenantSession[] sessions = [TenantSession.None, _db.A.Session, _db.B.Session, new(null, _db.A.UserId)];
        foreach (var session in sessions)
        {
            await using var connection = await _db.OpenAsync(session);
            Assert.Equal(0L, await connection.ScalarAsync<long>($"SELECT count(*) FROM security_logs WHERE id = '{failedLogin}'"));
        }
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await owner.ScalarAsync<long>($"SELECT count(*) FROM security_logs WHERE id = '{failedLogin}' AND workspace_id IS NULL"));
    }

    /// <summary>A new row in <paramref name="table"/> for workspace <paramref name="into"/>, valid but for row-level security.</summary>
    private static string InsertSql(string table, SeededWorkspace into, SeededWorkspace other) => table switch
    {
        "workspace_members" =>
            $"INSERT INTO workspace_members (id, workspace_id, user_id) VALUES ('{Guid.CreateVersion7()}', '{into.Id}', '{other.UserId}')",
        "teams" => $"INSERT INTO teams (id, workspace_id, name) VALUES ('{Guid.CreateVersion7()}', '{into.Id}', 'Support')",
        "team_members" => $"INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ('{into.Id}', '{into.TeamId}', '{other.UserId}')",
        "audit_logs" =>
            $"INSERT INTO audit_logs (id, workspace_id, entity_type, entity_id, action) VALUES ('{Guid.CreateVersion7()}', '{into.Id}', 'team', '{into.TeamId}', 'updated')",
        "security_logs" => $"INSERT INTO security_logs (id, workspace_id, event_type) VALUES ('{Guid.CreateVersion7()}', '{into.Id}', 'logout')",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
    };
}
