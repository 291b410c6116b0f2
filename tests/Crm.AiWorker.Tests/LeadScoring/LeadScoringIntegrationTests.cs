using System.Text.Json;
using Crm.AiWorker.Features.LeadScoring;
using Crm.Domain.Ai;
using Crm.Domain.Leads;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// Lead scoring against the real schema: the cold-start score and what it keeps, training and deployment of the
/// learned model on synthetic workspaces, and that a workspace trains and scores on its own leads only.
/// </summary>
public sealed class LeadScoringIntegrationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = LeadScoringDatabase.Now;

    private LeadScoringDatabase _database = null!;

    public async Task InitializeAsync() => _database = await LeadScoringDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Cold_start_scores_the_rules_plus_decayed_engagement_and_keeps_prediction_history_and_score()
    {
        var workspace = await _database.AddWorkspaceAsync();
        await _database.AddRuleAsync(workspace, "Software company", "industry", "equals", "software", 20);
        await _database.AddRuleAsync(workspace, "Decision maker", "decisionMaker", "equals", "true", 15);
        await _database.AddRuleAsync(workspace, "Over 100 employees", "employeeCount", "greater_than", "100", 5);
        await _database.AddRuleAsync(workspace, "No email", "email", "is_not_set", null, -10);
        await _database.AddRuleAsync(workspace, "In France", "country", "equals", "France", 30); // not met
        await _database.AddRuleAsync(workspace, "Software (old rule)", "industry", "equals", "software", 50, active: false);
        var lead = new SyntheticLead
        {
            Name = "Keen",
            Industry = "Software",
            DecisionMaker = true,
            EmployeeCount = 250,
            Country = "Germany",
            Activities =
            [
                SyntheticActivity.Meeting(Now.AddDays(-2)),
                SyntheticActivity.Reply(Now.AddDays(-3)),
                SyntheticActivity.EmailSent(Now.AddDays(-1)), // sent by us: no points
                SyntheticActivity.ScheduledMeeting(Now.AddDays(2), bookedAt: Now.AddDays(-1)), // not held: no points
            ],
        };
        var lost = new SyntheticLead { Name = "Gone", Status = "lost", ClosedAt = Now.AddDays(-5), Industry = "Software" };
        await _database.AddLeadsAsync(workspace, [lead, lost]);

        await using (var db = _database.Context(workspace))
        {
            Assert.Equal(1, await LeadScorer.ScoreAsync(db, null, Now, CancellationToken.None)); // the lost lead keeps its score
        }

        // 20 + 15 + 5 − 10 for the rules met, 10·½^(2/30) = 9.5 for the meeting, 5·½^(3/30) = 4.7 for the reply.
        var meetingPoints = Math.Round(10 * Math.Pow(0.5, 2 / LeadFeatures.HalfLifeDays), 1);
        var replyPoints = Math.Round(5 * Math.Pow(0.5, 3 / LeadFeatures.HalfLifeDays), 1);
        Assert.Equal((9.5, 4.7), (meetingPoints, replyPoints));
        const int expected = 44; // round(30 + 9.5 + 4.7)

        await using var check = _database.Context(workspace);
        var rules = await check.LeadScoringRules.AsNoTracking().ToDictionaryAsync(r => r.Name);
        var prediction = Assert.Single(await check.AiPredictions.AsNoTracking().ToListAsync());
        Assert.Equal((lead.Id, "lead", PredictionType.LeadScore), (prediction.EntityId, prediction.EntityType, prediction.PredictionType));
        Assert.Equal(LeadScorer.RulesModelName, prediction.Model);
        Assert.Null(prediction.ModelId);
        Assert.Equal(expected, prediction.Score);
        Assert.True(prediction.Confidence <= 0.5m, $"confidence {prediction.Confidence}");
        Assert.Equal(0.5m, prediction.Confidence); // 0.2 + 0.05 · (6 factors + 1 meeting + 1 reply), capped at 0.5
        var factors = JsonSerializer.Deserialize<PredictionFactor[]>(prediction.Factors, JsonSerializerOptions.Web)!;
        // The three strongest positive reasons, then the negative one: the 5-point rule and the reply are weaker.
        Assert.Equal(
            [
                new PredictionFactor("rule:" + rules["Software company"].Id, "Software company", 20),
                new PredictionFactor("rule:" + rules["Decision maker"].Id, "Decision maker", 15),
                new PredictionFactor("meetings", "1 meeting held", meetingPoints),
                new PredictionFactor("rule:" + rules["No email"].Id, "No email", -10),
            ],
            factors);

        var stored = await check.Leads.AsNoTracking().SingleAsync(l => l.Id == lead.Id);
        Assert.Equal(expected, stored.Score);
        Assert.Equal(Now, stored.ScoreUpdatedAt);
        Assert.Equal(0, (await check.Leads.AsNoTracking().SingleAsync(l => l.Id == lost.Id)).Score);
        var change = Assert.Single(await check.LeadScoreHistory.AsNoTracking().ToListAsync());
        Assert.Equal((lead.Id, 0, expected, ScoreChangeReason.Rules, (string?)null), (change.LeadId, change.OldScore, change.NewScore, change.Reason, change.Model));
        Assert.Contains("1 meeting held", change.Factors, StringComparison.Ordinal);

        // Scoring again with nothing changed updates the one prediction and writes no history.
        await using (var db = _database.Context(workspace))
        {
            await LeadScorer.ScoreAsync(db, [lead.Id], Now, CancellationToken.None);
        }
        Assert.Single(await check.AiPredictions.AsNoTracking().ToListAsync());
        Assert.Single(await check.LeadScoreHistory.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task On_a_synthetic_workspace_with_a_known_signal_the_learned_models_AUC_is_clearly_above_the_rules_and_its_factors_name_the_signal()
    {
        var workspace = await _database.AddWorkspaceAsync();
        await AddIrrelevantRulesAsync(workspace);
        var closed = SyntheticOutcomes.MeetingsDecide(600, seed: 7);
        var keen = OpenLead("Keen", meetings: 6);
        var cold = OpenLead("Cold", meetings: 0);
        await _database.AddLeadsAsync(workspace, [.. closed, keen, cold]);

        TrainingOutcome outcome;
        await using (var db = _database.Context(workspace))
        {
            outcome = await LeadModelTrainer.TrainAsync(db, Now, CancellationToken.None);
        }
        output.WriteLine($"{outcome.Reason} candidate AUC {outcome.CandidateAuc:F3}, rules AUC {outcome.RulesAuc:F3}, algorithm {outcome.Model?.Algorithm}");
        Assert.True(outcome.Deployed, outcome.Reason);
        Assert.Null(outcome.CurrentAuc);
        Assert.True(outcome.CandidateAuc > outcome.RulesAuc + 0.1, $"candidate {outcome.CandidateAuc:F3} vs rules {outcome.RulesAuc:F3}");
        Assert.True(outcome.CandidateAuc > 0.75, $"candidate {outcome.CandidateAuc:F3}");

        await using var check = _database.Context(workspace);
        var model = Assert.Single(await check.AiModels.AsNoTracking().ToListAsync());
        Assert.Equal(outcome.Model!.Id, model.Id);
        Assert.Equal((AiModelType.LeadScoring, 1, AiModelStatus.Deployed, 600), (model.ModelType, model.Version, model.Status, model.TrainingRows));
        Assert.Equal(Now, model.DeployedAt);
        Assert.Null(model.RetiredAt);
        using (var metrics = JsonDocument.Parse(model.Metrics))
        {
            var root = metrics.RootElement;
            Assert.Equal(outcome.CandidateAuc!.Value, root.GetProperty("auc").GetDouble(), 9);
            Assert.Equal(outcome.RulesAuc, root.GetProperty("rulesAuc").GetDouble(), 9);
            Assert.InRange(root.GetProperty("logLoss").GetDouble(), 0.01, Math.Log(2)); // better than a coin toss
            Assert.NotEqual(0, root.GetProperty("calibration").GetArrayLength());
            Assert.Equal(600, root.GetProperty("positives").GetInt32() + root.GetProperty("negatives").GetInt32());
        }
        var features = JsonSerializer.Deserialize<string[]>(model.Features)!;
        Assert.Contains("meetings", features);
        Assert.Contains("custom:webinars", features);

        await using (var db = _database.Context(workspace))
        {
            Assert.Equal(2, await LeadScorer.ScoreAsync(db, null, Now, CancellationToken.None));
        }
        var predictions = await check.AiPredictions.AsNoTracking().ToDictionaryAsync(p => p.EntityId);
        var (keenScore, coldScore) = (predictions[keen.Id], predictions[cold.Id]);
        output.WriteLine($"keen {keenScore.Score} {keenScore.Factors}; cold {coldScore.Score} {coldScore.Factors}");
        Assert.True(keenScore.Score >= coldScore.Score + 30, $"keen {keenScore.Score} vs cold {coldScore.Score}");
        Assert.Equal((model.Id, model.DisplayName), (keenScore.ModelId, keenScore.Model));
        var keenFactors = JsonSerializer.Deserialize<PredictionFactor[]>(keenScore.Factors, JsonSerializerOptions.Web)!;
        var top = keenFactors[0];
        Assert.True(top.Points > 0, keenScore.Factors);
        Assert.Equal(("meetings", "6 meetings held"), (top.Feature, top.Text));
        Assert.Equal(top.Points, keenFactors.Max(f => f.Points));
        var coldFactors = JsonSerializer.Deserialize<PredictionFactor[]>(coldScore.Factors, JsonSerializerOptions.Web)!;
        Assert.Contains(coldFactors, f => f is { Feature: "meetings", Text: "0 meetings held", Points: < 0 });

        var history = await check.LeadScoreHistory.AsNoTracking().Where(h => h.LeadId == keen.Id).ToListAsync();
        var change = Assert.Single(history);
        Assert.Equal((ScoreChangeReason.Model, model.DisplayName, (int)keenScore.Score), (change.Reason, change.Model, change.NewScore));
        Assert.Equal((int)keenScore.Score, (await check.Leads.AsNoTracking().SingleAsync(l => l.Id == keen.Id)).Score);
    }

    [Theory]
    [InlineData(100, 99, false)] // 199 outcomes
    [InlineData(19, 231, false)] // too few converted
    [InlineData(231, 19, false)] // too few lost
    [InlineData(20, 180, true)] // just enough
    public async Task Training_needs_200_outcomes_with_20_of_each(int converted, int lost, bool enough)
    {
        var workspace = await _database.AddWorkspaceAsync();
        await _database.AddLeadsAsync(workspace, SyntheticOutcomes.Closed(converted, lost, seed: converted));

        await using var db = _database.Context(workspace);
        var outcome = await LeadModelTrainer.TrainAsync(db, Now, CancellationToken.None);

        var models = await db.AiModels.AsNoTracking().ToListAsync();
        if (enough)
        {
            Assert.NotNull(outcome.CandidateAuc);
            Assert.Equal(outcome.Model!.Id, Assert.Single(models).Id);
            Assert.Equal(200, models[0].TrainingRows);
        }
        else
        {
            Assert.False(outcome.Deployed);
            Assert.Null(outcome.Model);
            Assert.Null(outcome.CandidateAuc);
            Assert.StartsWith($"Not enough outcomes yet: {converted} converted and {lost} lost leads", outcome.Reason, StringComparison.Ordinal);
            Assert.Empty(models);
            Assert.Null(await LeadScorer.DeployedAsync(db, CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_retrained_model_replaces_the_deployed_one_only_if_it_beats_it_and_one_model_stays_deployed()
    {
        var workspace = await _database.AddWorkspaceAsync();
        await AddIrrelevantRulesAsync(workspace);
        await _database.AddLeadsAsync(workspace, SyntheticOutcomes.MeetingsDecide(600, seed: 11));

        var first = await TrainAsync(workspace, Now);
        Assert.True(first.Deployed, first.Reason);

        // The same data again: the candidate is as good as the deployed model, which is not enough.
        var second = await TrainAsync(workspace, Now.AddDays(1));
        output.WriteLine($"second: {second.Reason}");
        Assert.False(second.Deployed, second.Reason);
        Assert.NotNull(second.CurrentAuc);
        Assert.Equal(first.CandidateAuc!.Value, second.CurrentAuc.Value, 9);
        Assert.True(second.CandidateAuc < second.CurrentAuc + LeadModelTrainer.RequiredGain);
        await using (var check = _database.Context(workspace))
        {
            var models = await check.AiModels.AsNoTracking().OrderBy(m => m.Version).ToListAsync();
            Assert.Equal(
                [(first.Model!.Id, 1, AiModelStatus.Deployed), (second.Model!.Id, 2, AiModelStatus.Rejected)],
                models.Select(m => (m.Id, m.Version, m.Status)));
            Assert.Null(models[1].DeployedAt);
            Assert.Equal(first.Model.Id, (await LeadScorer.DeployedAsync(check, CancellationToken.None))!.Row.Id);
        }

        // The database holds the invariant too: a second deployed lead scoring model of the workspace is refused.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => _database.ExecuteAsync(workspace,
            """
            INSERT INTO ai_models (id, workspace_id, model_type, version, algorithm, status, deployed_at)
            VALUES (gen_random_uuid(), @workspace, 'lead_scoring', 99, 'logistic_regression', 'deployed', now())
            """));
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ai_models_one_deployed"), (refused.SqlState, refused.ConstraintName));

        // The world changes: the old leads are deleted and webinars, not meetings, now decide. The deployed model ranks
        // the new outcomes no better than chance; the candidate that learned the webinars replaces it.
        await _database.ExecuteAsync(workspace, "UPDATE leads SET deleted_at = now() WHERE workspace_id = @workspace");
        await _database.AddLeadsAsync(workspace, SyntheticOutcomes.WebinarsDecide(600, seed: 12));
        var third = await TrainAsync(workspace, Now.AddDays(2));
        output.WriteLine($"third: {third.Reason} (current {third.CurrentAuc:F3})");
        Assert.True(third.Deployed, third.Reason);
        Assert.True(third.CandidateAuc > third.CurrentAuc + 0.1, third.Reason);
        await using (var check = _database.Context(workspace))
        {
            var models = await check.AiModels.AsNoTracking().OrderBy(m => m.Version).ToListAsync();
            Assert.Equal(
                [(1, AiModelStatus.Retired), (2, AiModelStatus.Rejected), (3, AiModelStatus.Deployed)],
                models.Select(m => (m.Version, m.Status)));
            Assert.Equal(Now.AddDays(2), models[0].RetiredAt);
            Assert.Single(models, m => m.Status == AiModelStatus.Deployed);
            Assert.Equal(third.Model!.Id, (await LeadScorer.DeployedAsync(check, CancellationToken.None))!.Row.Id);
        }
    }

    [Fact]
    public async Task A_workspace_trains_and_scores_on_its_own_leads_only()
    {
        var (a, b) = (await _database.AddWorkspaceAsync(), await _database.AddWorkspaceAsync());
        await AddIrrelevantRulesAsync(a);
        await _database.AddLeadsAsync(a, [.. SyntheticOutcomes.MeetingsDecide(600, seed: 13), OpenLead("A open", meetings: 2)]);
        await _database.AddLeadsAsync(b, [.. SyntheticOutcomes.Closed(converted: 3, lost: 2, seed: 14, prefix: "B"), OpenLead("B open", meetings: 2)]);

        // B first: A's 600 outcomes are not B's.
        var inB = await TrainAsync(b, Now);
        Assert.False(inB.Deployed);
        Assert.Null(inB.Model);
        Assert.StartsWith("Not enough outcomes yet: 3 converted and 2 lost leads", inB.Reason, StringComparison.Ordinal);

        var inA = await TrainAsync(a, Now);
        Assert.True(inA.Deployed, inA.Reason);
        Assert.Equal(600, inA.Model!.TrainingRows);

        // B still has no model and scores its one open lead by its own (empty) rules; A's leads are not touched.
        await using (var db = _database.Context(b))
        {
            Assert.Empty(await db.AiModels.AsNoTracking().ToListAsync());
            Assert.Null(await LeadScorer.DeployedAsync(db, CancellationToken.None));
            Assert.Equal(1, await LeadScorer.ScoreAsync(db, null, Now, CancellationToken.None));
            var prediction = Assert.Single(await db.AiPredictions.AsNoTracking().ToListAsync());
            Assert.Equal(LeadScorer.RulesModelName, prediction.Model);
        }
        await using (var db = _database.Context(a))
        {
            Assert.Empty(await db.AiPredictions.AsNoTracking().ToListAsync());
            Assert.Single(await db.AiModels.AsNoTracking().ToListAsync());
        }

        // Training B again after A has a model still finds nothing to learn from and no model to compare with.
        var again = await TrainAsync(b, Now.AddDays(1));
        Assert.False(again.Deployed);
        Assert.Null(again.CurrentAuc);
    }

    /// <summary>Rules that reward fields the synthetic outcomes do not depend on (see <see cref="SyntheticOutcomes"/>).</summary>
    private async Task AddIrrelevantRulesAsync(Guid workspace)
    {
        await _database.AddRuleAsync(workspace, "Software company", "industry", "equals", "software", 40);
        await _database.AddRuleAsync(workspace, "Decision maker", "decisionMaker", "equals", "true", 25);
        await _database.AddRuleAsync(workspace, "Over 500 employees", "employeeCount", "greater_than", "500", 20);
    }

    private async Task<TrainingOutcome> TrainAsync(Guid workspace, DateTimeOffset now)
    {
        await using var db = _database.Context(workspace);
        return await LeadModelTrainer.TrainAsync(db, now, CancellationToken.None);
    }

    /// <summary>An open lead with <paramref name="meetings"/> meetings in the last two months and two emails sent.</summary>
    private static SyntheticLead OpenLead(string name, int meetings) => new()
    {
        Name = name,
        Industry = "Software",
        DecisionMaker = true,
        EmployeeCount = 300,
        CustomFields = """{"webinars": 3}""",
        Activities =
        [
            .. Enumerable.Range(0, meetings).Select(m => SyntheticActivity.Meeting(Now.AddDays(-5 - 9 * m))),
            SyntheticActivity.EmailSent(Now.AddDays(-3)),
            SyntheticActivity.EmailSent(Now.AddDays(-10)),
        ],
    };
}
