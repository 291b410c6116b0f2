using Crm.Domain.Tests.Migrations;
using Crm.Domain.Tests.Persistence;
using Crm.Testing;

namespace Crm.Domain.Tests.Tenancy;

/// <summary>
/// A guard for every table a later migration adds: isolation is checked in the catalog, not per table by hand. A table
/// with a workspace_id column must have row-level security enabled and forced and a workspace_isolation policy; the
/// services' role may touch a table without one only if it is on the short list of global tables.
/// </summary>
public sealed class RowLevelSecurityCatalogTests
{
    /// <summary>
    /// Tables that are not tenant-owned by design (one login, many workspaces; the token key ring; the outbox consumers'
    /// cursors, which hold positions and leases, no workspace's data).
    /// </summary>
    private static readonly HashSet<string> GlobalTables =
        ["users", "user_claims", "user_logins", "user_tokens", "data_protection_keys", "outbox_consumers"];

    /// <summary>
    /// Tables with row-level security on but not forced, so that the SECURITY DEFINER functions that query them (as
    /// their owner) can use the GIN indexes row-level security would rule out; the functions filter by the session's
    /// workspace themselves (migration 0018, and a test in Crm.Search.Tests that calls them for another workspace).
    /// </summary>
    private static readonly HashSet<string> OwnerQueriedTables = ["search_documents", "search_terms"];

    [Fact]
    public async Task Every_table_with_a_workspace_is_isolated_by_a_forced_policy()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        var unprotected = await database.DataSource.QueryStringsAsync("""
            SELECT c.relname || ': ' || concat_ws(', ',
                   CASE WHEN NOT c.relrowsecurity THEN 'row-level security off' END,
                   CASE WHEN NOT c.relforcerowsecurity THEN 'not forced' END,
                   CASE WHEN NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'workspace_isolation')
                        THEN 'no workspace_isolation policy' END)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind IN ('r', 'p')
              AND (EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped)
                   OR c.relname = 'workspaces')
              AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                       AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'workspace_isolation'))
            ORDER BY 1
            """);

        unprotected.RemoveAll(line => OwnerQueriedTables.Contains(line.Split(':')[0]) && line.EndsWith(": not forced", StringComparison.Ordinal));
        Assert.True(unprotected.Count == 0, "Tables without workspace isolation:\n" + string.Join("\n", unprotected));
    }

    [Fact]
    public async Task The_services_role_touches_no_table_outside_row_level_security_but_the_global_ones()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.MigrateAsync();

        var reachable = await database.DataSource.QueryStringsAsync("""
            SELECT c.relname
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            WHERE c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
              AND (has_table_privilege('crm_app', c.oid, 'SELECT') OR has_table_privilege('crm_app', c.oid, 'INSERT')
                   OR has_table_privilege('crm_app', c.oid, 'UPDATE') OR has_table_privilege('crm_app', c.oid, 'DELETE'))
            ORDER BY 1
            """);

        var unexpected = reachable.Where(table => !GlobalTables.Contains(table)).ToList();
        Assert.True(unexpected.Count == 0, "crm_app can reach tables without row-level security: " + string.Join(", ", unexpected));
        Assert.DoesNotContain("schema_migrations", reachable);
    }
}
