using Crm.Domain.Search;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>Search documents for the Elasticsearch tests.</summary>
public static class TestDocuments
{
    public static SearchDocument Make(
        Guid workspaceId,
        string type,
        string title,
        string? body = null,
        Guid? ownerId = null,
        Guid? stageId = null,
        IReadOnlyList<string>? tags = null,
        IReadOnlyList<string>? keywords = null,
        string? subtitle = null,
        Guid? id = null) =>
        new(workspaceId, type, id ?? Guid.NewGuid(), title, subtitle, keywords ?? [], body, ownerId, stageId, tags ?? [],
            new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero));

    public static SearchRequest Request(Guid workspaceId, string text, int limit = 20, string? cursor = null,
        IReadOnlyList<string>? types = null, SearchFilters? filters = null, IReadOnlyList<Guid>? visibleOwners = null) =>
        new(workspaceId, text, types ?? [], filters ?? SearchFilters.None, visibleOwners, limit, cursor);
}
