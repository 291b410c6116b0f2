using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Infrastructure.Caching;
using Crm.Api.Tests.Companies;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Caching;

/// <summary>GET /pipelines/{id} and its stage list through the test Redis, and their invalidation by stage changes.</summary>
public sealed class PipelineCacheTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_pipeline_and_its_stages_are_cached_and_a_stage_change_is_read_back()
    {
        using var probe = new CacheProbe(factory.Services);
        var owner = (await CompanyApi.RegisterAsync(factory)).WithResource("/api/v1/pipelines");
        var pipelineId = (await ReadAsync(await owner.SendAsync(HttpMethod.Get, "/"))).Body.GetProperty("data")[0].GetProperty("id").GetGuid();
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        var pipelineKey = CacheKeys.Record("pipeline", owner.WorkspaceId, pipelineId);
        var stagesKey = CacheKeys.Stages(owner.WorkspaceId, pipelineId);
        await CacheProbe.WaitUntilCachedAsync(pipelineKey, () => owner.SendAsync(HttpMethod.Get, $"/{pipelineId}"));

        var (pipeline, pipelineETag) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}"));
        var (again, againETag) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}"));
        Assert.Equal(pipeline.GetRawText(), again.GetRawText());
        Assert.Equal(pipelineETag, againETag);
        Assert.True(await CacheProbe.HasEntryAsync(pipelineKey));
        var ttl = await CacheProbe.Redis.KeyTimeToLiveAsync(pipelineKey);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(850), TimeSpan.FromSeconds(900));

        await CacheProbe.WaitUntilCachedAsync(stagesKey, () => owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        var (stages, _) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        var hitsBefore = probe.Count("crm.cache.hits", "pipeline");
        var (stagesAgain, _) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        Assert.Equal(stages.GetRawText(), stagesAgain.GetRawText());
        Assert.Equal(hitsBefore + 1, probe.Count("crm.cache.hits", "pipeline"));

        // Through the API: the next read has the new name at once.
        var stageId = stages.GetProperty("data")[0].GetProperty("id").GetGuid();
        var (_, stageETag) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages/{stageId}"));
        using (var patch = await owner.SendAsync(HttpMethod.Patch, $"/{pipelineId}/stages/{stageId}", new { name = "Renamed" }, stageETag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }
        var (renamed, _) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        Assert.Equal("Renamed", renamed.GetProperty("data")[0].GetProperty("name").GetString());

        // By SQL (another writer): the stage's event is a pipeline event, and the consumer deletes the entries.
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        await CacheProbe.WaitUntilCachedAsync(stagesKey, () => owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        await using (var update = factory.Database.DataSource.CreateCommand("UPDATE pipeline_stages SET name = 'BySql' WHERE id = $1"))
        {
            update.Parameters.AddWithValue(stageId);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        await CacheProbe.WaitUntilAsync(
            async () => !await CacheProbe.HasEntryAsync(stagesKey), "the consumer to invalidate the stage list");
        var (bySql, _) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages"));
        Assert.Equal("BySql", bySql.GetProperty("data")[0].GetProperty("name").GetString());

        // A change of the pipeline itself: new body, new ETag.
        var (_, currentETag) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}"));
        using (var patch = await owner.SendAsync(HttpMethod.Patch, $"/{pipelineId}", new { description = "Changed" }, currentETag))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
            var (changed, changedETag) = await ReadAsync(await owner.SendAsync(HttpMethod.Get, $"/{pipelineId}"));
            Assert.Equal("Changed", changed.GetProperty("description").GetString());
            Assert.Equal(patch.Headers.ETag!.ToString(), changedETag);
        }
    }

    [Fact]
    public async Task Search_results_are_cached_per_workspace_until_the_workspace_changes()
    {
        var search = factory.Services.GetRequiredService<SearchResultCache>();
        var owner = (await CompanyApi.RegisterAsync(factory)).WithResource("/api/v1/contacts");
        var other = await CompanyApi.RegisterAsync(factory);
        await CacheProbe.WaitForConsumerAsync(factory.Database);
        var runs = 0;
        Task<string[]> Run(CancellationToken _) => Task.FromResult(new[] { $"run {++runs}" });

        Assert.Equal(["run 1"], await search.GetOrAddAsync(owner.WorkspaceId, "q=ada", Run, CancellationToken.None));
        Assert.Equal(["run 1"], await search.GetOrAddAsync(owner.WorkspaceId, "q=ada", Run, CancellationToken.None));
        Assert.Equal(1, runs);
        // Another request, or the same request in another workspace: another entry.
        Assert.Equal(["run 2"], await search.GetOrAddAsync(owner.WorkspaceId, "q=bob", Run, CancellationToken.None));
        Assert.Equal(["run 3"], await search.GetOrAddAsync(other.WorkspaceId, "q=ada", Run, CancellationToken.None));

        // A change in the workspace (the request bumps the generation as it commits): the next search runs again.
        using (var create = await owner.SendAsync(HttpMethod.Post, "/", new { firstName = "Ada" }))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }
        Assert.Equal(["run 4"], await search.GetOrAddAsync(owner.WorkspaceId, "q=ada", Run, CancellationToken.None));
        // The other workspace's entry is untouched by it.
        Assert.Equal(["run 3"], await search.GetOrAddAsync(other.WorkspaceId, "q=ada", Run, CancellationToken.None));
    }

    private static async Task<(JsonElement Body, string? ETag)> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>(), response.Headers.ETag?.ToString());
        }
    }
}
