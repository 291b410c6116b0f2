namespace Crm.Api.Infrastructure.Listing;

/// <summary>
/// One page of a list (DESIGN.md section 7). <paramref name="NextCursor"/> is null on the last page;
/// <paramref name="Total"/> only when the request asked for it (<c>includeTotal=true</c>), since counting is costly.
/// </summary>
public sealed record ListPage<T>(IReadOnlyList<T> Data, string? NextCursor, bool HasMore, long? Total = null);
