namespace Crm.Api.Tests.Leads;

/// <summary>
/// Pipelines and stages for conversion tests, inserted as the database owner: the pipelines API is the deals
/// feature's, and these tests only need rows to point deals at.
/// </summary>
internal static class Pipelines
{
    /// <summary>
    /// A pipeline of the workspace with stages at positions 1, 2, … of the given kinds and probabilities. A default one
    /// replaces the workspace's default (the "Sales" pipeline registration made, see <see cref="RemoveDefaultAsync"/>).
    /// </summary>
    public static async Task<(Guid Pipeline, Guid[] Stages)> CreateAsync(
        ApiFactory factory, Guid workspaceId, string name, bool isDefault, params (string Kind, int Probability)[] stages)
    {
        if (isDefault)
        {
            await RemoveDefaultAsync(factory, workspaceId);
        }
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

    /// <summary>Soft-deletes the workspace's default pipeline: the workspace has none until another is made the default.</summary>
    public static async Task RemoveDefaultAsync(ApiFactory factory, Guid workspaceId)
    {
        await using var command = factory.Database.DataSource.CreateCommand(
            "UPDATE pipelines SET deleted_at = now() WHERE workspace_id = $1 AND is_default AND deleted_at IS NULL");
        command.Parameters.Add(new() { Value = workspaceId });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Makes a pipeline take no new deals.</summary>
    public static async Task DeactivateAsync(ApiFactory factory, Guid pipelineId)
    {
        await using var command = factory.Database.DataSource.CreateCommand("UPDATE pipelines SET is_active = false WHERE id = $1");
        command.Parameters.Add(new() { Value = pipelineId });
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountDealsAsync(ApiFactory factory, Guid workspaceId)
    {
        await using var command = factory.Database.DataSource.CreateCommand("SELECT count(*) FROM deals WHERE workspace_id = $1");
        command.Parameters.Add(new() { Value = workspaceId });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
