namespace Crm.Domain.Search;

/// <summary>
/// The Redis counter that versions a workspace's cached search results (Crm.Api caches them for 120 s): Crm.Api bumps
/// it when it learns of a change, and Crm.Search bumps it again once the change is in the index, so a result computed
/// from an index that had not caught up yet is not served after it has.
/// </summary>
public static class SearchResultGeneration
{
    public static string Key(Guid workspaceId) => $"search:{workspaceId}:generation";
}
