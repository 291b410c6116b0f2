using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Activities;

/// <summary>
/// A signed-in caller of the activities, tasks, notes, comments and timeline APIs, with the records they hang on:
/// contacts and companies through their APIs, deals and leads written as the database owner (their APIs are not on this
/// branch).
/// </summary>
internal sealed class WorkApi(ApiFactory factory, CompanyApi caller)
{
    public CompanyApi Companies { get; } = caller;

    public CompanyApi Contacts { get; } = caller.WithResource("/api/v1/contacts");

    public CompanyApi Activities { get; } = caller.WithResource("/api/v1/activities");

    public CompanyApi Tasks { get; } = caller.WithResource("/api/v1/tasks");

    public CompanyApi Notes { get; } = caller.WithResource("/api/v1/notes");

    public CompanyApi Comments { get; } = caller.WithResource("/api/v1/comments");

    /// <summary>Any path under /api/v1 (timelines).</summary>
    public CompanyApi V1 { get; } = caller.WithResource("/api/v1");

    public Guid UserId => Companies.UserId;

    public Guid WorkspaceId => Companies.WorkspaceId;

    public static async Task<WorkApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(factory, await CompanyApi.RegisterAsync(factory, workspaceName));

    public static async Task<WorkApi> JoinAsync(ApiFactory factory, WorkApi owner, string role, string scope) =>
        new(factory, await CompanyApi.JoinAsync(factory, owner.Companies, role, scope));

    public async Task<Guid> ContactAsync(string firstName = "Ada") =>
        (await Contacts.CreateAsync(new { firstName })).Company.GetProperty("id").GetGuid();

    public async Task<Guid> CompanyAsync(string name = "Acme") =>
        (await Companies.CreateAsync(new { name })).Company.GetProperty("id").GetGuid();

    /// <summary>A deal in a new two-stage pipeline, entering its first stage at <paramref name="enteredAt"/>; owned by the caller.</summary>
    public async Task<(Guid Deal, Guid FirstStage, Guid SecondStage)> DealAsync(DateTimeOffset enteredAt)
    {
        var (pipeline, first, second, deal) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await ExecuteAsync("INSERT INTO pipelines (id, workspace_id, name) VALUES ($1, $2, $1::text)", pipeline, WorkspaceId);
        await ExecuteAsync(
            "INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position) VALUES ($1, $2, $3, 'Lead in', 1), ($4, $2, $3, 'Proposal', 2)",
            first, WorkspaceId, pipeline, second);
        await ExecuteAsync(
            """
            INSERT INTO deals (id, workspace_id, name, pipeline_id, stage_id, stage_entered_at, owner_id, created_by)
            VALUES ($1, $2, 'Big deal', $3, $4, $5, $6, $6)
            """,
            deal, WorkspaceId, pipeline, first, enteredAt, UserId);
        return (deal, first, second);
    }

    /// <summary>Moves a deal to <paramref name="stage"/> at <paramref name="at"/> (a stage_history row, by the deals trigger).</summary>
    public Task MoveDealAsync(Guid deal, Guid stage, DateTimeOffset at) =>
        ExecuteAsync("UPDATE deals SET stage_id = $2, stage_entered_at = $3, updated_by = $4 WHERE id = $1", deal, stage, at, UserId);

    public async Task<Guid> LeadAsync(string lastName = "Lead")
    {
        var lead = Guid.CreateVersion7();
        await ExecuteAsync("INSERT INTO leads (id, workspace_id, last_name, owner_id, created_by) VALUES ($1, $2, $3, $4, $4)",
            lead, WorkspaceId, lastName, UserId);
        return lead;
    }

    /// <summary>Runs SQL as the database owner (no row-level security): what only another service would write.</summary>
    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = factory.Database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>One page of a record's timeline (GET /api/v1/{plural}/{id}/timeline).</summary>
    public async Task<JsonElement> TimelineAsync(string plural, Guid id, string query = "")
    {
        using var response = await V1.SendAsync(HttpMethod.Get, $"/{plural}/{id}/timeline{query}");
        return await V1.ReadAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The ids of a list page's items.</summary>
    public static List<Guid> Ids(JsonElement page) => [.. page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("id").GetGuid())];

    public static Guid Id(JsonElement record) => record.GetProperty("id").GetGuid();

    public static JsonElement Errors(JsonElement problem) => problem.GetProperty("errors");
}
