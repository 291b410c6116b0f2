namespace Crm.Api.Tests.Leads;

/// <summary>
/// Pipelines and stages for conversion tests, inserted as the database owner: the pipelines API is the deals
/// feature's, and these tests only need rows to point deals at.
/// </summary>
internal static class Pipelines
{
    /// <summary>A pipeline of the workspace with stages at positions 1, 2, … of the given kinds and probabilities.</summary>
    public static async Task<(Guid Pipeline, Guid[] Stages)> CreateAsync(
        ApiFactory factory, Guid workspaceId, string name, bool isDefault, params (string Kind, int Probability)[] stages)
    {
        var pipelineId = Guid.CreateVersion7();
        await using var batch = factory.Database.DataSource.CreateBatch();
        var pipeline = batch.CreateBatchCommand();
        pipeline.CommandText = "INSERT INTO pipelines (id, workspace_id, name, is_default) VALUES ($1, $2, $3, $4)";
        pipeline.Parameters.Add(new() { Value = pipelineId });
        pipeline.Parameters.Add(new() { Value = workspaceId });
        pipeline.Parameters.Add(new() { Value = name });
        pipeline.Parameters.Add(new() { Value = isDefault });
        batch.BatchCommands.Add(pipeline);
        var stageIds = new Guid[stages.Length];
        for (var i = 0; i < stages.Length; i++)
        {
            stageIds[i] = Guid.CreateVersion7();
            var stage = batch.CreateBatchCommand();
            stage.CommandText = "INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, kind, default_probability) VALUES ($1, $2, $3, $4, $5, $6, $7)";
            foreach (var value in new object[] { stageIds[i], workspaceId, pipelineId, $"Stage {i + 1}", i + 1, stages[i].Kind, stages[i].Probability })
            {
                stage.Parameters.Add(new() { Value = value });
            }
            batch.BatchCommands.Add(stage);
        }
        await batch.ExecuteNonQueryAsync();
        return (pipelineId, stageIds);
    }

    /// <summary>The stage history rows of a deal, oldest first, as (from, to) stage ids.</summary>
    public static async Task<List<(Guid? From, Guid To)>> StageHistoryAsync(ApiFactory factory, Guid dealId)
    {
        await using var command = factory.Database.DataSource.CreateCommand(
            "SELECT from_stage_id, to_stage_id FROM deal_stage_history WHERE deal_id = $1 ORDER BY changed_at, id");
        command.Parameters.Add(new() { Value = dealId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid?, Guid)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetGuid(1)));
        }
        return rows;
    }

    /// <summary>A deal row as the database has it: (name, value, currency, pipeline, stage, probability, status, contact, company, owner).</summary>
    public static async Task<(string Name, decimal Value, string Currency, Guid Pipeline, Guid Stage, int Probability, string Status, Guid? Contact, Guid? Company, Guid? Owner)?> DealAsync(
        ApiFactory factory, Guid dealId)
    {
        await using var command = factory.Database.DataSource.CreateCommand(
            "SELECT name, value, currency, pipeline_id, stage_id, probability, status, contact_id, company_id, owner_id FROM deals WHERE id = $1");
        command.Parameters.Add(new() { Value = dealId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }
        Guid? Nullable(int i) => reader.IsDBNull(i) ? null : reader.GetGuid(i);
        return (reader.GetString(0), reader.GetDecimal(1), reader.GetString(2), reader.GetGuid(3), reader.GetGuid(4), reader.GetInt32(5),
            reader.GetString(6), Nullable(7), Nullable(8), Nullable(9));
    }

    public static async Task<long> CountDealsAsync(ApiFactory factory, Guid workspaceId)
    {
        await using var command = factory.Database.DataSource.CreateCommand("SELECT count(*) FROM deals WHERE workspace_id = $1");
        command.Parameters.Add(new() { Value = workspaceId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
