namespace Crm.Web.Api;

/// <summary>One page of an API list: <c>{"data", "nextCursor", "hasMore", "total"?}</c> (keyset paging).</summary>
public sealed class Page<T>
{
    public List<T> Data { get; set; } = [];

    public string? NextCursor { get; set; }

    public bool HasMore { get; set; }

    /// <summary>Only when the request asked for <c>includeTotal=true</c>.</summary>
    public long? Total { get; set; }
}

/// <summary>An item read with its ETag, for a later PATCH or DELETE (<c>If-Match</c>).</summary>
public sealed record Versioned<T>(T Value, string? ETag);
