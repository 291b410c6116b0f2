using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Crm.Domain.Tests.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>
/// The first layer of workspace isolation: CrmDbContext's query filters and save-time checks, used as the services use
/// it (a pooled context that is handed a <see cref="TenantSession"/>), with row-level security underneath.
/// </summary>
public sealed class QueryFilterTests : IAsyncLifetime
{
    private TwoWorkspaces _db = null!;
    private PooledDbContextFactory<CrmDbContext> _factory = null!;

    public async Task InitializeAsync()
    {
        _db = await TwoWorkspaces.CreateAsync();
        _factory = new PooledDbContextFactory<CrmDbContext>(_db.Database.ContextOptions());
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_session_sees_only_its_workspace()
    {
        await using var context = Rent(_db.A.Session);

        Assert.Equal([_db.A.Id], await context.Workspaces.Select(w => w.Id).ToListAsync());
        Assert.Equal([_db.A.MemberId], await context.WorkspaceMembers.Select(m => m.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.Teams.Select(t => t.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.TeamMembers.Select(m => m.TeamId).ToListAsync());
        Assert.Equal([_db.A.AuditLogId], await context.AuditLogs.Select(a => a.Id).ToListAsync());
        Assert.Equal([_db.A.SecurityLogId], await context.SecurityLogs.Select(s => s.Id).ToListAsync());
    }

    [Fact]
    public async Task Without_the_query_filters_row_level_security_still_shows_only_the_session_workspace()
    {
        await using var context = Rent(_db.A.Session);

        Assert.Equal([_db.A.Id], await context.Workspaces.IgnoreQueryFilters().Select(w => w.Id).ToListAsync());
        Assert.Equal([_db.A.MemberId], await context.WorkspaceMembers.IgnoreQueryFilters().Select(m => m.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.Teams.IgnoreQueryFilters().Select(t => t.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.TeamMembers.IgnoreQueryFilters().Select(m => m.TeamId).ToListAsync());
        Assert.Equal([_db.A.AuditLogId], await context.AuditLogs.IgnoreQueryFilters().Select(a => a.Id).ToListAsync());
    }

    [Fact]
    public async Task Without_row_level_security_the_query_filters_alone_show_only_the_session_workspace()
    {
        // A connection EF does not open itself is not switched to crm_app: it stays the owner (a superuser, not subject
        // to row-level security), so this is the query filters on their own.
        await using var ownerConnection = await _db.DataSource.OpenConnectionAsync();
        var options = new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(ownerConnection).Options;
        await using var context = new CrmDbContext(options);
        context.UseSession(_db.A.Session);

        Assert.Equal([_db.A.Id], await context.Workspaces.Select(w => w.Id).ToListAsync());
        Assert.Equal([_db.A.MemberId], await context.WorkspaceMembers.Select(m => m.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.Teams.Select(t => t.Id).ToListAsync());
        Assert.Equal([_db.A.TeamId], await context.TeamMembers.Select(m => m.TeamId).ToListAsync());
        Assert.Equal([_db.A.AuditLogId], await context.AuditLogs.Select(a => a.Id).ToListAsync());
        // The control: this connection does see B's rows once the filters are off.
        Assert.Equal(2, await context.Teams.IgnoreQueryFilters().CountAsync());
    }

    [Fact]
    public async Task SaveChanges_stamps_new_rows_with_the_session_workspace()
    {
        var team = new Team { Name = "Support" };
        var member = new TeamMember { TeamId = team.Id, UserId = _db.A.UserId }; // workspace_id is part of its key
        await using (var context = Rent(_db.A.Session))
        {
            context.Teams.Add(team);
            context.TeamMembers.Add(member);
            await context.SaveChangesAsync();
        }

        Assert.Equal(_db.A.Id, team.WorkspaceId);
        Assert.Equal(_db.A.Id, member.WorkspaceId);
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal([_db.A.Id], await owner.GuidsAsync($"SELECT workspace_id FROM teams WHERE id = '{team.Id}'"));
        Assert.Equal([_db.A.Id], await owner.GuidsAsync($"SELECT workspace_id FROM team_members WHERE team_id = '{team.Id}'"));
    }

    [Fact]
    public async Task Saving_a_row_of_another_workspace_throws_and_writes_nothing()
    {
        await using (var context = Rent(_db.A.Session))
        {
            context.Teams.Add(new Team { Name = "Support", WorkspaceId = _db.B.Id });
            context.AuditLogs.Add(new AuditLog { EntityType = "team", EntityId = _db.A.TeamId, Action = AuditAction.Updated });

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
            Assert.Contains($"workspace {_db.B.Id}", error.Message);
        }

        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(0L, await owner.ScalarAsync<long>("SELECT count(*) FROM teams WHERE name = 'Support'"));
        Assert.Equal(2L, await owner.ScalarAsync<long>("SELECT count(*) FROM audit_logs"));
    }

    [Fact]
    public async Task Moving_a_loaded_row_to_another_workspace_throws()
    {
        await using var context = Rent(_db.A.Session);
        var team = await context.Teams.SingleAsync();

        team.WorkspaceId = _db.B.Id;

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal([_db.A.Id], await owner.GuidsAsync($"SELECT workspace_id FROM teams WHERE id = '{_db.A.TeamId}'"));
    }

    [Fact]
    public async Task A_context_returned_to_the_pool_and_rented_for_another_workspace_sees_only_that_workspace()
    {
        CrmDbContext first;
        await using (first = Rent(_db.A.Session))
        {
            Assert.Equal([_db.A.TeamId], await first.Teams.Select(t => t.Id).ToListAsync());
        }

        await using var second = Rent(_db.B.Session);

        Assert.Same(first, second);
        Assert.Equal([_db.B.Id], await second.Workspaces.Select(w => w.Id).ToListAsync());
        Assert.Equal([_db.B.MemberId], await second.WorkspaceMembers.Select(m => m.Id).ToListAsync());
        Assert.Equal([_db.B.TeamId], await second.Teams.Select(t => t.Id).ToListAsync());
        Assert.Equal([_db.B.TeamId], await second.Teams.IgnoreQueryFilters().Select(t => t.Id).ToListAsync());
        Assert.Equal([_db.B.AuditLogId], await second.AuditLogs.Select(a => a.Id).ToListAsync());
    }

    [Fact]
    public async Task A_context_returned_to_the_pool_does_not_keep_its_session()
    {
        CrmDbContext first;
        await using (first = Rent(_db.A.Session))
        {
            Assert.Single(await first.Teams.ToListAsync());
        }

        // Someone forgets UseSession: the context must act for nobody, not for the previous workspace.
        await using var second = _factory.CreateDbContext();

        Assert.Same(first, second);
        Assert.Equal(TenantSession.None, second.Session);
        Assert.Empty(await second.Teams.IgnoreQueryFilters().ToListAsync());
        Assert.Empty(await second.Workspaces.IgnoreQueryFilters().ToListAsync());
    }

    [Fact]
    public async Task A_security_event_without_workspace_can_be_saved()
    {
        var failedLogin = new SecurityLog
        {
            EventType = SecurityEventType.LoginFailed,
            Severity = SecuritySeverity.Warning,
            UserEmail = "alpha@example.com",
        };
        await using (var context = Rent(TenantSession.None))
        {
            context.SecurityLogs.Add(failedLogin);
            await context.SaveChangesAsync();
        }

        await using (var context = Rent(_db.A.Session))
        {
            Assert.False(await context.SecurityLogs.AnyAsync(s => s.Id == failedLogin.Id));
        }
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await owner.ScalarAsync<long>(
            $"SELECT count(*) FROM security_logs WHERE id = '{failedLogin.Id}' AND workspace_id IS NULL AND event_type = 'login_failed'"));
    }

    [Fact]
    public async Task A_pooled_context_returned_with_its_connection_open_does_not_hand_its_session_on()
    {
        // A session is applied when a connection opens: a connection opened explicitly for raw SQL (as the embedding
        // store does) must not stay open, with workspace A's session, for the next renter of the pooled context.
        await using (var first = Rent(_db.A.Session))
        {
            await first.Database.OpenConnectionAsync();
            await using (var command = first.Database.GetDbConnection().CreateCommand())
            {
                command.CommandText = "SELECT count(*) FROM workspace_members";
                Assert.Equal(1L, await command.ExecuteScalarAsync());
            }
        }

        await using var second = Rent(_db.B.Session);
        Assert.Equal([_db.B.Id], await second.Workspaces.IgnoreQueryFilters().Select(w => w.Id).ToListAsync());
        Assert.Equal([_db.B.MemberId], await second.WorkspaceMembers.IgnoreQueryFilters().Select(m => m.Id).ToListAsync());
    }

    private CrmDbContext Rent(TenantSession session)
    {
        var context = _factory.CreateDbContext();
        context.UseSession(session);
        return context;
    }
}
