using Crm.Domain.Search;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// The Redis keys of cached reads, as seed 003 names them (<c>contact:{tenant_id}:{contact_id}</c>,
/// <c>pipeline:{tenant_id}:{pipeline_id}</c>, <c>search:{tenant_id}:{query_hash}</c>). Every key starts with its
/// kind and then the workspace id, so an entry is only ever found by a request of the workspace that wrote it.
/// </summary>
public static class CacheKeys
{
    public const string ContactKind = "contact";
    public const string PipelineKind = "pipeline";
    public const string SearchKind = "search";
    public const string AnalyticsKind = "analytics";

    /// <summary>A record as <c>GET /api/v1/{plural}/{id}</c> answers it: <c>contact:{ws}:{id}</c>, <c>pipeline:{ws}:{id}</c>.</summary>
    public static string Record(string kind, Guid workspaceId, Guid id) => $"{kind}:{workspaceId}:{id}";

    /// <summary>A pipeline's live stages (<c>GET /api/v1/pipelines/{id}/stages</c>), next to the pipeline's own entry.</summary>
    public static string Stages(Guid workspaceId, Guid pipelineId) => $"{PipelineKind}:{workspaceId}:{pipelineId}:stages";

    /// <summary>
    /// The workspace's search generation: bumped by every change event, and part of every search key, so a change
    /// makes all of the workspace's cached results unreachable at once (they expire by their TTL).
    /// </summary>
    public static string SearchGeneration(Guid workspaceId) => SearchResultGeneration.Key(workspaceId);

    /// <summary><c>search:{ws}:{generation}:{hash}</c>: a result of the workspace's search as of a generation.</summary>
    public static string Search(Guid workspaceId, long generation, string requestHash) => $"{SearchKind}:{workspaceId}:{generation}:{requestHash}";

    /// <summary>
    /// The workspace's tag generation: records embed their tags' names and colours, and a tag's rename or deletion
    /// reaches no record's event, so record entries remember the generation they were read at and are misses after a
    /// tag change.
    /// </summary>
    public static string TagGeneration(Guid workspaceId) => $"tags:{workspaceId}:generation";
}
