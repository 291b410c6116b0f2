using Crm.Domain.Tenancy;
using Crm.Testing;
using Npgsql;

namespace Crm.Api.Tests.Imports;

/// <summary>
/// The plan of an import chunk's dedupe lookup as the API runs it: as the services' login, in a tenant session, so under
/// row-level security. Under the policy the planner only uses leakproof conditions as index conditions, so a lookup on
/// lower(email) read every contact of the workspace per chunk (bench/README.md, "Import vs raw COPY"); the stored key
/// column (email_key = ANY(@keys), text equality) is served by the unique index.
/// </summary>
public sealed class ImportKeyPlanTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("contacts", "first_name, email", "email_key", "contacts_email_unique")]
    [InlineData("companies", "name, domain", "domain_key", "companies_domain_unique")]
    [InlineData("leads", "first_name, email", "email_key", "leads_email")]
    public async Task The_dedupe_lookup_on_the_key_column_uses_the_key_index_under_row_level_security(
        string table, string columns, string keyColumn, string index)
    {
        var owner = await ImportApi.RegisterAsync(factory, $"Plan {table}");
        var workspaceId = owner.Contacts.WorkspaceId;
        await using (var admin = new NpgsqlConnection(factory.Database.ConnectionString))
        {
            await admin.OpenAsync();
            // 5,000 records whose email or domain differs only by case from the keys looked up; then statistics.
            var value = table == "companies" ? "'host' || i || '.plan.test'" : "'Person' || i || '@Plan.test'";
            await using var seed = new NpgsqlCommand(
                $"INSERT INTO {table} (id, workspace_id, {columns}) SELECT gen_random_uuid(), @workspace, 'Name' || i, {value} FROM generate_series(1, 5000) i; ANALYZE {table}",
                admin);
            seed.Parameters.AddWithValue("workspace", workspaceId);
            await seed.ExecuteNonQueryAsync();
        }
        var keys = Enumerable.Range(1, 10).Select(i => table == "companies" ? $"host{i}.plan.test" : $"person{i}@plan.test").ToArray();

        // EF's translation of keys.Contains(e.EmailKey) on a live record (the importer's ExistingKeysAsync), keys a parameter.
        var byKey = await PlanAsync(workspaceId,
            $"SELECT t.{keyColumn} FROM {table} AS t WHERE t.workspace_id = @workspace AND t.deleted_at IS NULL AND " +
            $"(t.{keyColumn} = ANY (@keys) OR (t.{keyColumn} IS NULL AND array_position(@keys, NULL) IS NOT NULL))", keys);
        Assert.Matches($"(Index Scan using|Index Only Scan using|Bitmap Index Scan on) {index} ", byKey);
        Assert.DoesNotContain("Seq Scan", byKey);
        Assert.Equal(10, await CountAsync(workspaceId, $"SELECT count(*) FROM {table} WHERE {keyColumn} = ANY (@keys)", keys));

        // The old lookup, for contrast: lower() is not leakproof, so the policy keeps it away from the index.
        var keyExpression = keyColumn == "domain_key" ? "lower(t.domain)" : "lower(t.email)";
        var byLower = await PlanAsync(workspaceId,
            $"SELECT t.id FROM {table} AS t WHERE t.workspace_id = @workspace AND t.deleted_at IS NULL AND {keyExpression} = ANY (@keys)", keys);
        Assert.DoesNotContain(index, byLower);
    }

    private async Task<string> PlanAsync(Guid workspaceId, string sql, string[] keys)
    {
        await using var connection = await OpenAsServiceAsync(workspaceId);
        await using var command = new NpgsqlCommand("EXPLAIN " + sql, connection);
        command.Parameters.AddWithValue("workspace", workspaceId);
        command.Parameters.AddWithValue("keys", keys);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }

    private async Task<long> CountAsync(Guid workspaceId, string sql, string[] keys)
    {
        await using var connection = await OpenAsServiceAsync(workspaceId);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("keys", keys);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A connection of the services' login in the workspace's tenant session, as the API's requests and import worker use.</summary>
    private async Task<NpgsqlConnection> OpenAsServiceAsync(Guid workspaceId)
    {
        var connection = new NpgsqlConnection(TestServers.ServiceConnectionString(factory.Database.Name));
        await connection.OpenAsync();
        await new TenantSession(workspaceId, null).ApplyAsync(connection);
        return connection;
    }
}
