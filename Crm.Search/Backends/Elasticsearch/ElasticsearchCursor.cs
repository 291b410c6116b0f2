using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Domain.Search;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>
/// The opaque <see cref="SearchResults.NextCursor"/>: the last hit's sort values (<c>[_score, type, id]</c>, for
/// <c>search_after</c>) and a hash of the query it belongs to, as base64url JSON. A cursor that does not decode, or
/// that belongs to another query, is refused with an <see cref="ArgumentException"/> (parameter "Cursor"), which the
/// API answers with 400.
/// </summary>
internal sealed record ElasticsearchCursor(double Score, string Type, string Id, string QueryHash)
{
    private const int Version = 1;

    public string Encode()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new Payload(Version, QueryHash, Score, Type, Id));
        return Base64Url.EncodeToString(json);
    }

    /// <summary>Decodes a cursor given for <paramref name="request"/>; throws <see cref="ArgumentException"/> if it is not one.</summary>
    public static ElasticsearchCursor Decode(string cursor, SearchRequest request)
    {
        Payload? payload;
        try
        {
            payload = cursor.Length <= 1024 ? JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(cursor)) : null;
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            throw Invalid(exception);
        }
        if (payload is not { V: Version, Q: { } hash, T: { } type, I: { } id } || !double.IsFinite(payload.S) ||
            !SearchTypes.All.Contains(type) || !Guid.TryParse(id, out _))
        {
            throw Invalid(null);
        }
        if (hash != HashOf(request))
        {
            throw new ArgumentException("The cursor belongs to another search (different text, types or filters).", nameof(SearchRequest.Cursor));
        }
        return new ElasticsearchCursor(payload.S, type, id, hash);
    }

    /// <summary>What the cursor is bound to: everything that decides the result set, not the page size.</summary>
    public static string HashOf(SearchRequest request)
    {
        var text = new StringBuilder()
            .Append(request.WorkspaceId).Append('\n').Append(request.Text).Append('\n')
            .AppendJoin(',', request.Types).Append('\n')
            .Append(request.Filters.OwnerId).Append('\n').Append(request.Filters.StageId).Append('\n')
            .AppendJoin('\u001f', request.Filters.Tags).Append('\n')
            .Append(request.VisibleOwners is null ? "*" : string.Join(',', request.VisibleOwners));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    private static ArgumentException Invalid(Exception? inner) =>
        new("The cursor is not one this search returned.", nameof(SearchRequest.Cursor), inner);

    // Short names: the cursor travels in URLs.
    private sealed record Payload(int V, string? Q, double S, string? T, string? I);
}
