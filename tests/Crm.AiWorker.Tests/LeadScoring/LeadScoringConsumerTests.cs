using Crm.AiWorker.Tests.Embeddings;
using Npgsql;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// The live path of lead scoring in the running worker (outbox consumer "lead-scoring"): a new lead is scored by the
/// workspace's rules within seconds, an activity on it moves the score again, and the worker's own score writes do not
/// feed back (one history row per change, not a loop).
/// </summary>
public sealed class LeadScoringConsumerTests(AiWorkerFactory worker) : IClassFixture<AiWorkerFactory>
{
    [Fact]
    public async Task A_new_lead_is_scored_by_the_rules_and_a_meeting_on_it_moves_its_score_within_seconds()
    {
        await worker.ExecuteAsync(worker.WorkspaceA, """
            INSERT INTO lead_scoring_rules (id, workspace_id, name, rule_type, field, operator, value, points)
            VALUES (gen_random_uuid(), crm_workspace_id(), 'Software', 'firmographic', 'industry', 'equals', 'Software', 20),
                   (gen_random_uuid(), crm_workspace_id(), 'Decides', 'demographic', 'decisionMaker', 'equals', 'true', 15)
            """);
        var lead = Guid.CreateVersion7();
        await worker.ExecuteAsync(worker.WorkspaceA,
            "INSERT INTO leads (id, workspace_id, last_name, company_name, industry, decision_maker) VALUES (@id, crm_workspace_id(), 'Okafor', 'Nimbus', 'Software', true)",
            ("id", lead));

        Assert.Equal(35, await ScoreUntilAsync(lead, score => score == 35));

        await worker.ExecuteAsync(worker.WorkspaceA, """
            INSERT INTO activities (id, workspace_id, lead_id, type, subject, status, completed_at)
            VALUES (gen_random_uuid(), crm_workspace_id(), @lead, 'meeting', 'Discovery call', 'completed', now())
            """, ("lead", lead));

        // seed 001's formula: a meeting held today adds 10 points.
        Assert.Equal(45, await ScoreUntilAsync(lead, score => score == 45));
        await Task.Delay(TimeSpan.FromSeconds(2)); // Time for any feedback loop to show itself.
        var history = await ScalarAsync<long>($"SELECT count(*) FROM lead_score_history WHERE lead_id = '{lead}'");
        Assert.Equal(2, history);
        Assert.Equal(1, await ScalarAsync<long>($"SELECT count(*) FROM ai_predictions WHERE entity_id = '{lead}' AND model = 'rules'"));
    }

    private async Task<int> ScoreUntilAsync(Guid lead, Func<int, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var score = -1;
        while (DateTime.UtcNow < deadline)
        {
            score = await ScalarAsync<int>($"SELECT score FROM leads WHERE id = '{lead}'");
            if (done(score))
            {
                return score;
            }
            await Task.Delay(200);
        }
        return score;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await worker.Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
