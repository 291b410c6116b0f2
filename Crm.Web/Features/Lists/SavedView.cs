using System.Text.Json.Nodes;

namespace Crm.Web.Features.Lists;

/// <summary>A saved list query (<c>GET /api/v1/saved-views</c>).</summary>
public sealed record SavedView(
    Guid Id, string Name, string ObjectType, JsonObject? Filters, string? Q, string? Sort, List<string>? Columns,
    string Visibility, bool IsDefault, Guid CreatedBy)
{
    public ListQuery ToQuery(int limit) => new()
    {
        Q = Q,
        Sort = Sort,
        Filters = ListQuery.FiltersOf(Filters),
        Columns = Columns is { Count: > 0 } ? Columns : null,
        Limit = limit,
        ViewId = Id,
    };
}
