using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.Domain.Tenancy;
using Crm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// A fresh, migrated database for lead scoring tests, with one member and any number of workspaces. Workspace data is
/// written with SQL in the workspace's session (the connection switches to crm_app, so row-level security holds), in
/// bulk: a few hundred leads with their activities take a handful of statements.
/// </summary>
public sealed class LeadScoringDatabase : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private LeadScoringDatabase(TestDatabase database) => _database = database;

    /// <summary>The member who converted the converted leads.</summary>
    public Guid UserId { get; } = Guid.CreateVersion7();

    /// <summary>"Now" for every test: whole seconds, so what PostgreSQL stores (microseconds) is exactly what was meant.</summary>
    public static DateTimeOffset Now { get; } = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public static async Task<LeadScoringDatabase> CreateAsync()
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            await new MigrationRunner(database.DataSource, MigrationScript.LoadEmbedded(), "tests", NullLogger<MigrationRunner>.Instance).RunAsync();
            var result = new LeadScoringDatabase(database);
            await using var command = database.DataSource.CreateCommand(
                "INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email) VALUES (@id, 'owner', 'OWNER', 'owner@example.com', 'OWNER@EXAMPLE.COM')");
            command.Parameters.AddWithValue("id", result.UserId);
            await command.ExecuteNonQueryAsync();
            return result;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new workspace (written as the schema owner: workspaces are not created in a workspace's session).</summary>
    public async Task<Guid> AddWorkspaceAsync()
    {
        var id = Guid.CreateVersion7();
        await using var command = _database.DataSource.CreateCommand("INSERT INTO workspaces (id, name, slug) VALUES (@id, @name, @slug)");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("name", $"Workspace {id:N}");
        command.Parameters.AddWithValue("slug", $"w-{id:N}");
        await command.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>A context acting for <paramref name="workspaceId"/>, as the worker's consumers and schedule use one.</summary>
    public CrmDbContext Context(Guid workspaceId)
    {
        var db = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(_database.DataSource).Options);
        db.UseSession(new TenantSession(workspaceId, null));
        return db;
    }

    public async Task AddRuleAsync(Guid workspaceId, string name, string field, string @operator, string? value, int points, bool active = true)
    {
        await ExecuteAsync(workspaceId,
            """
            INSERT INTO lead_scoring_rules (id, workspace_id, name, rule_type, field, operator, value, points, is_active, sort_order)
            VALUES (@id, @workspace, @name, 'demographic', @field, @operator, @value, @points, @active,
                    (SELECT count(*) FROM lead_scoring_rules))
            """,
            ("id", Guid.CreateVersion7()), ("name", name), ("field", field), ("operator", @operator), ("value", (object?)value ?? DBNull.Value),
            ("points", points), ("active", active));
    }

    /// <summary>Inserts the leads, a contact for each converted one (a conversion links one), and their activities.</summary>
    public async Task AddLeadsAsync(Guid workspaceId, IReadOnlyList<SyntheticLead> leads)
    {
        await using var connection = await OpenAsync(workspaceId);
        var converted = leads.Where(l => l.Status == "converted").Select(l => l.Id).ToArray();
        await using (var contacts = new NpgsqlCommand(
                         "INSERT INTO contacts (id, workspace_id, first_name, last_name) SELECT id, @workspace, 'Converted', 'Contact' FROM unnest(@ids) AS t(id)",
                         connection))
        {
            contacts.Parameters.AddWithValue("workspace", workspaceId);
            contacts.Parameters.AddWithValue("ids", converted);
            await contacts.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand(
                         """
                         INSERT INTO leads (id, workspace_id, last_name, company_name, industry, employee_count, decision_maker, phone, country,
                                            custom_fields, status, converted_at, converted_by, converted_contact_id, created_at, updated_at)
                         SELECT id, @workspace, name, name || ' Ltd', industry, employees, decision_maker, phone, country, custom::jsonb, status,
                                CASE WHEN status = 'converted' THEN closed_at END,
                                CASE WHEN status = 'converted' THEN @user END,
                                CASE WHEN status = 'converted' THEN id END,
                                created_at, coalesce(closed_at, created_at)
                         FROM unnest(@ids, @names, @industries, @employees, @decision_makers, @phones, @countries, @customs, @statuses,
                                     @closed_at, @created_at)
                             AS t(id, name, industry, employees, decision_maker, phone, country, custom, status, closed_at, created_at)
                         """,
                         connection))
        {
            insert.Parameters.AddWithValue("workspace", workspaceId);
            insert.Parameters.AddWithValue("user", UserId);
            insert.Parameters.AddWithValue("ids", leads.Select(l => l.Id).ToArray());
            insert.Parameters.AddWithValue("names", leads.Select(l => l.Name).ToArray());
            insert.Parameters.Add(Texts("industries", leads.Select(l => l.Industry)));
            insert.Parameters.Add(new NpgsqlParameter("employees", NpgsqlDbType.Array | NpgsqlDbType.Integer)
            {
                Value = leads.Select(l => l.EmployeeCount is { } n ? (object)n : DBNull.Value).ToArray(),
            });
            insert.Parameters.AddWithValue("decision_makers", leads.Select(l => l.DecisionMaker).ToArray());
            insert.Parameters.Add(Texts("phones", leads.Select(l => l.Phone)));
            insert.Parameters.Add(Texts("countries", leads.Select(l => l.Country)));
            insert.Parameters.AddWithValue("customs", leads.Select(l => l.CustomFields).ToArray());
            insert.Parameters.AddWithValue("statuses", leads.Select(l => l.Status).ToArray());
            insert.Parameters.Add(Times("closed_at", leads.Select(l => l.ClosedAt)));
            insert.Parameters.Add(Times("created_at", leads.Select(l => (DateTimeOffset?)l.CreatedAt)));
            await insert.ExecuteNonQueryAsync();
        }

        var activities = leads.SelectMany(l => l.Activities.Select(a => (Lead: l.Id, Activity: a))).ToList();
        await using (var insert = new NpgsqlCommand(
                         """
                         INSERT INTO activities (id, workspace_id, lead_id, type, subject, status, direction, scheduled_at, completed_at, created_at)
                         SELECT gen_random_uuid(), @workspace, lead_id, type, initcap(type), status, direction, scheduled_at, completed_at, created_at
                         FROM unnest(@leads, @types, @statuses, @directions, @scheduled_at, @completed_at, @created_at)
                             AS t(lead_id, type, status, direction, scheduled_at, completed_at, created_at)
                         """,
                         connection))
        {
            insert.Parameters.AddWithValue("workspace", workspaceId);
            insert.Parameters.AddWithValue("leads", activities.Select(a => a.Lead).ToArray());
            insert.Parameters.AddWithValue("types", activities.Select(a => a.Activity.Type).ToArray());
            insert.Parameters.AddWithValue("statuses", activities.Select(a => a.Activity.Status).ToArray());
            insert.Parameters.Add(Texts("directions", activities.Select(a => a.Activity.Direction)));
            insert.Parameters.Add(Times("scheduled_at", activities.Select(a => a.Activity.ScheduledAt)));
            insert.Parameters.Add(Times("completed_at", activities.Select(a => a.Activity.CompletedAt)));
            insert.Parameters.Add(Times("created_at", activities.Select(a => (DateTimeOffset?)a.Activity.CreatedAt)));
            await insert.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Runs <paramref name="sql"/> in a session of <paramref name="workspaceId"/> (row-level security applies).</summary>
    public async Task<int> ExecuteAsync(Guid workspaceId, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(workspaceId);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        command.Parameters.AddWithValue("workspace", workspaceId);
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    private async Task<NpgsqlConnection> OpenAsync(Guid workspaceId)
    {
        var connection = await _database.DataSource.OpenConnectionAsync();
        await new TenantSession(workspaceId, null).ApplyAsync(connection);
        return connection;
    }

    private static NpgsqlParameter Texts(string name, IEnumerable<string?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.Select(v => (object?)v ?? DBNull.Value).ToArray() };

    private static NpgsqlParameter Times(string name, IEnumerable<DateTimeOffset?> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = values.Select(v => v is { } t ? (object)t : DBNull.Value).ToArray() };
}

/// <summary>A lead to insert: "new" (open), "converted" or "lost" at <see cref="ClosedAt"/>.</summary>
public sealed class SyntheticLead
{
    public Guid Id { get; } = Guid.CreateVersion7();

    public required string Name { get; init; }

    public string Status { get; init; } = "new";

    public DateTimeOffset? ClosedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; } = LeadScoringDatabase.Now.AddDays(-300);

    public string? Industry { get; init; }

    public int? EmployeeCount { get; init; }

    public bool DecisionMaker { get; init; }

    public string? Phone { get; init; }

    public string? Country { get; init; }

    public string CustomFields { get; init; } = "{}";

    public List<SyntheticActivity> Activities { get; init; } = [];
}

/// <summary>An activity on a lead, as the CHECK constraints of 0008 allow it (completed exactly when completed_at is set).</summary>
public sealed record SyntheticActivity(string Type, string Status, string? Direction, DateTimeOffset? ScheduledAt, DateTimeOffset? CompletedAt, DateTimeOffset CreatedAt)
{
    public static SyntheticActivity Meeting(DateTimeOffset at) => new("meeting", "completed", null, at, at, at);

    /// <summary>Booked at <paramref name="bookedAt"/> for <paramref name="at"/>, not held yet.</summary>
    public static SyntheticActivity ScheduledMeeting(DateTimeOffset at, DateTimeOffset bookedAt) => new("meeting", "scheduled", null, at, null, bookedAt);

    public static SyntheticActivity Reply(DateTimeOffset at) => new("email", "completed", "inbound", null, at, at);

    public static SyntheticActivity EmailSent(DateTimeOffset at) => new("email", "completed", "outbound", null, at, at);
}
