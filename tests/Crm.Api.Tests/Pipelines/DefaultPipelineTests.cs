using System.Net;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Deals;

namespace Crm.Api.Tests.Pipelines;

/// <summary>Registration gives the new workspace the "Sales" pipeline with seed 004's seven stages, the default for new deals.</summary>
public sealed class DefaultPipelineTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly (string Name, int Position, string Kind, int Probability)[] SeedStages =
    [
        ("New", 1, "open", 10), ("Contacted", 2, "open", 20), ("Qualified", 3, "open", 40), ("Proposal", 4, "open", 60),
        ("Negotiation", 5, "open", 80), ("Closed Won", 6, "won", 100), ("Closed Lost", 7, "lost", 0),
    ];

    [Fact]
    public async Task Every_registered_workspace_has_exactly_the_sales_pipeline_with_seed_004s_seven_stages()
    {
        // Same name twice: the second registration takes the slug retry, which saves the pipeline again after the savepoint.
        var first = await DealApi.RegisterAsync(factory, "Twins");
        var second = await DealApi.RegisterAsync(factory, "Twins");

        var pipelineIds = new List<Guid>();
        foreach (var api in new[] { first, second })
        {
            using var list = await api.Pipelines.SendAsync(HttpMethod.Get, "/");
            var pipeline = Assert.Single((await api.Pipelines.ReadAsync(list)).GetProperty("data").EnumerateArray());
            Assert.Equal(("Sales", true, true, "sales", "USD"),
                (pipeline.GetProperty("name").GetString(), pipeline.GetProperty("isDefault").GetBoolean(), pipeline.GetProperty("isActive").GetBoolean(),
                 pipeline.GetProperty("pipelineType").GetString(), pipeline.GetProperty("currency").GetString()));
            var id = pipeline.GetProperty("id").GetGuid();
            pipelineIds.Add(id);

            using var stages = await api.Pipelines.SendAsync(HttpMethod.Get, $"/{id}/stages");
            Assert.Equal(SeedStages, (await api.Pipelines.ReadAsync(stages)).GetProperty("data").EnumerateArray()
                .Select(s => (s.GetProperty("name").GetString()!, s.GetProperty("position").GetInt32(), s.GetProperty("kind").GetString()!,
                    s.GetProperty("defaultProbability").GetInt32())));
        }
        Assert.NotEqual(pipelineIds[0], pipelineIds[1]);
        using var foreign = await second.Pipelines.SendAsync(HttpMethod.Get, $"/{pipelineIds[0]}");
        await AuthApi.AssertProblemAsync(foreign, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_deal_created_without_pipeline_or_stage_enters_the_default_pipelines_first_stage()
    {
        var api = await DealApi.RegisterAsync(factory);
        using var list = await api.Pipelines.SendAsync(HttpMethod.Get, "/");
        var pipelineId = (await api.Pipelines.ReadAsync(list)).GetProperty("data")[0].GetProperty("id").GetGuid();
        var stages = await api.StagesAsync(pipelineId);

        var (deal, _) = await api.CreateDealAsync(new { name = "First deal", value = 1200m });
        Assert.Equal((pipelineId, stages[0].Id, "open", 10, 120m, "USD"),
            (deal.GetProperty("pipelineId").GetGuid(), deal.GetProperty("stageId").GetGuid(), deal.GetProperty("status").GetString(),
             deal.GetProperty("probability").GetInt32(), deal.GetProperty("weightedValue").GetDecimal(), deal.GetProperty("currency").GetString()));
        var history = Assert.Single(await api.StageHistoryAsync(deal.GetProperty("id").GetGuid()));
        Assert.Equal(stages[0].Id, history.GetProperty("toStageId").GetGuid());

        var wonStage = stages.Single(s => s.Name == "Closed Won").Id;
        var (won, _) = await api.CreateDealAsync(new { name = "Signed", stageId = wonStage });
        Assert.Equal(("won", 100), (won.GetProperty("status").GetString(), won.GetProperty("probability").GetInt32()));
        using var lostWithoutReason = await api.Deals.SendAsync(HttpMethod.Post, "/", new { name = "Gone", stageId = stages.Single(s => s.Name == "Closed Lost").Id });
        Assert.True((await AuthApi.AssertProblemAsync(lostWithoutReason, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("lostReason", out _));
    }
}
