using System.Text.RegularExpressions;
using Crm.Domain.Auditing;
using Crm.Domain.Tenancy;
using Crm.Domain.Tests.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>Enums are stored as the lower_snake text the tables' CHECK constraints allow (DESIGN.md section 6).</summary>
public sealed partial class EnumStorageTests : IAsyncLifetime
{
    private TwoWorkspaces _db = null!;

    public async Task InitializeAsync() => _db = await TwoWorkspaces.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_member_role_scope_and_status_are_stored_as_snake_case_text_and_read_back()
    {
        var user = await _db.CreateUserAsync("gamma");
        var member = new WorkspaceMember { UserId = user, Role = MemberRole.SalesRep, RecordScope = RecordScope.Team, Status = MemberStatus.Invited };
        await using (var context = NewContext(_db.A.Session))
        {
            context.WorkspaceMembers.Add(member);
            await context.SaveChangesAsync();
        }

        await using (var owner = await _db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal("sales_rep|team|invited", await owner.ScalarAsync<string>(
                $"SELECT concat_ws('|', role, record_scope, status) FROM workspace_members WHERE id = '{member.Id}'"));
        }

        await using var reader = NewContext(_db.A.Session);
        var read = await reader.WorkspaceMembers.SingleAsync(m => m.Id == member.Id);
        Assert.Equal((MemberRole.SalesRep, RecordScope.Team, MemberStatus.Invited), (read.Role, read.RecordScope, read.Status));
    }

    [Fact]
    public async Task An_audit_action_is_stored_as_snake_case_text_and_read_back()
    {
        var entry = new AuditLog { EntityType = "deal", EntityId = Guid.CreateVersion7(), Action = AuditAction.StageChanged, ActorUserId = _db.A.UserId };
        await using (var context = NewContext(_db.A.Session))
        {
            context.AuditLogs.Add(entry);
            await context.SaveChangesAsync();
        }

        await using (var owner = await _db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal("stage_changed", await owner.ScalarAsync<string>($"SELECT action FROM audit_logs WHERE id = '{entry.Id}'"));
        }

        await using var reader = NewContext(_db.A.Session);
        Assert.Equal(AuditAction.StageChanged, (await reader.AuditLogs.SingleAsync(a => a.Id == entry.Id)).Action);
    }

    [Fact]
    public async Task Every_enum_property_stores_exactly_the_values_its_check_constraint_allows()
    {
        await using var context = NewContext(TenantSession.None);
        var model = context.GetService<IDesignTimeModel>().Model;
        await using var owner = await _db.DataSource.OpenConnectionAsync();
        var mismatches = new List<string>();
        var checkedProperties = 0;

        foreach (var entityType in model.GetEntityTypes())
        {
            var table = entityType.GetTableName()!;
            foreach (var property in entityType.GetProperties().Where(p => p.ClrType.IsEnum))
            {
                var column = property.GetColumnName(StoreObjectIdentifier.Table(table))!;
                var converter = property.GetValueConverter();
                if (converter is null)
                {
                    mismatches.Add($"{table}.{column}: {property.ClrType.Name} has no value converter (it would be stored as a number)");
                    continue;
                }
                var stored = Enum.GetValues(property.ClrType).Cast<object>().Select(v => (string)converter.ConvertToProvider(v)!).Order().ToList();
                var allowed = (await CheckConstraintValuesAsync(owner, table, column)).Order().ToList();
                if (!stored.SequenceEqual(allowed))
                {
                    mismatches.Add($"{table}.{column}: {property.ClrType.Name} stores [{string.Join(", ", stored)}], the CHECK allows [{string.Join(", ", allowed)}]");
                }
                checkedProperties++;
            }
        }

        Assert.True(checkedProperties >= 9, $"Only {checkedProperties} enum properties were found in the model.");
        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private CrmDbContext NewContext(TenantSession session)
    {
        var context = new CrmDbContext(_db.Database.ContextOptions());
        context.UseSession(session);
        return context;
    }

    /// <summary>The literals of the CHECK constraints on one column, e.g. role IN ('owner', ...).</summary>
    private static async Task<List<string>> CheckConstraintValuesAsync(Npgsql.NpgsqlConnection owner, string table, string column)
    {
        var definitions = await owner.ScalarAsync<string[]>(
            $$"""
              SELECT coalesce(array_agg(pg_get_constraintdef(c.oid)), '{}')
              FROM pg_constraint c
              WHERE c.conrelid = '{{table}}'::regclass AND c.contype = 'c'
                AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = '{{table}}'::regclass AND attname = '{{column}}')]
              """);
        return definitions.SelectMany(d => QuotedLiteral().Matches(d).Select(m => m.Groups[1].Value)).ToList();
    }

    [GeneratedRegex("'([^']*)'::text")]
    private static partial Regex QuotedLiteral();
}
