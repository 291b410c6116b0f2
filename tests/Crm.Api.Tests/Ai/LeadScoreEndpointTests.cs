using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Leads;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Ai;

/// <summary>
/// GET /api/v1/leads/{id}/score and GET /api/v1/ai/models read what the AI worker stored (here written directly, as
/// the worker does, in the workspace's session): a lead not scored yet says so, a scored one shows its factors, and
/// nothing of another workspace is visible.
/// </summary>
public sealed class LeadScoreEndpointTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_lead_is_not_scored_until_the_worker_stores_a_prediction_then_its_score_confidence_and_factors_are_shown()
    {
        var owner = await LeadApi.RegisterAsync(factory, "Scores");
        var lead = await owner.CreateIdAsync(new { firstName = "Imke", lastName = "Solberg", companyName = "Fjord Freight", score = 12 });

        var before = await ScoreAsync(owner, lead);
        Assert.Equal(("not-scored", 12), (before.GetProperty("status").GetString(), before.GetProperty("score").GetInt32()));
        Assert.Equal(JsonValueKind.Null, before.GetProperty("confidence").ValueKind);
        Assert.Empty(before.GetProperty("factors").EnumerateArray());

        var model = new AiModel
        {
            ModelType = AiModelType.LeadScoring,
            Version = 1,
            Algorithm = AiAlgorithm.LogisticRegression,
            Status = AiModelStatus.Deployed,
            Features = """["meetings","source"]""",
            Metrics = """{"auc":0.87,"logLoss":0.41}""",
            TrainingRows = 600,
            Notes = "Held-out AUC 0.870 beats the rules' 0.580.",
            TrainedAt = DateTimeOffset.UtcNow,
            DeployedAt = DateTimeOffset.UtcNow,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await InWorkspaceAsync(owner.WorkspaceId, db =>
        {
            db.AiModels.Add(model);
            db.AiPredictions.Add(new AiPrediction
            {
                ModelId = model.Id,
                Model = model.DisplayName,
                EntityType = "lead",
                EntityId = lead,
                PredictionType = PredictionType.LeadScore,
                Score = 72,
                Confidence = 0.61m,
                Factors = """[{"feature":"meetings","text":"3 meetings held","points":18.2},{"feature":"source","text":"Came from referral","points":-4.5}]""",
                PredictedAt = DateTimeOffset.UtcNow,
            });
            return Task.CompletedTask;
        });

        var after = await ScoreAsync(owner, lead);
        Assert.Equal(("scored", 72, 0.61m), (after.GetProperty("status").GetString(), after.GetProperty("score").GetInt32(), after.GetProperty("confidence").GetDecimal()));
        Assert.Equal("lead_scoring v1 (logistic_regression)", after.GetProperty("model").GetString());
        Assert.Equal(model.Id, after.GetProperty("modelId").GetGuid());
        Assert.Equal(["3 meetings held", "Came from referral"], after.GetProperty("factors").EnumerateArray().Select(f => f.GetProperty("text").GetString()));
        Assert.Equal(18.2, after.GetProperty("factors")[0].GetProperty("points").GetDouble());

        using var models = await owner.Companies.WithResource("/api/v1/ai/models").SendAsync(HttpMethod.Get, "");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        var listed = Assert.Single((await models.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(("lead_scoring", 1, "logistic_regression", "deployed"), (
            listed.GetProperty("modelType").GetString(), listed.GetProperty("version").GetInt32(),
            listed.GetProperty("algorithm").GetString(), listed.GetProperty("status").GetString()));
        Assert.Equal(0.87, listed.GetProperty("metrics").GetProperty("auc").GetDouble());
        Assert.Equal(["meetings", "source"], listed.GetProperty("features").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task Another_workspace_sees_neither_the_lead_score_nor_the_models()
    {
        var owner = await LeadApi.RegisterAsync(factory, "Private scores");
        var stranger = await LeadApi.RegisterAsync(factory, "Strangers");
        var lead = await owner.CreateIdAsync(new { companyName = "Hidden Holdings" });
        await InWorkspaceAsync(owner.WorkspaceId, db =>
        {
            db.AiModels.Add(new AiModel
            {
                ModelType = AiModelType.LeadScoring, Version = 1, Algorithm = AiAlgorithm.GradientBoosting, Status = AiModelStatus.Rejected,
                CreatedAt = DateTimeOffset.UtcNow,
            });
            return Task.CompletedTask;
        });

        using (var theirs = await stranger.SendAsync(HttpMethod.Get, $"/{lead}/score"))
        {
            await AuthApi.AssertProblemAsync(theirs, HttpStatusCode.NotFound);
        }
        using (var unknown = await owner.SendAsync(HttpMethod.Get, $"/{Guid.CreateVersion7()}/score"))
        {
            await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        }
        using var models = await stranger.Companies.WithResource("/api/v1/ai/models").SendAsync(HttpMethod.Get, "");
        Assert.Empty((await models.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        using var anonymous = await factory.CreateClient().GetAsync($"/api/v1/leads/{lead}/score");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<JsonElement> ScoreAsync(LeadApi api, Guid lead)
    {
        using var response = await api.SendAsync(HttpMethod.Get, $"/{lead}/score");
        return await api.ReadAsync(response);
    }

    private async Task InWorkspaceAsync(Guid workspaceId, Func<CrmDbContext, Task> action)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(workspaceId, null));
        await action(db);
        await db.SaveChangesAsync();
    }
}
