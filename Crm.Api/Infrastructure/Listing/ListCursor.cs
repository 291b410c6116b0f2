using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>
/// The opaque <c>cursor</c>: base64url of <c>{"s": spec, "k": [sort key values of the last row]}</c> plus a checksum.
/// <para>
/// The spec is a hash of the resource, sort, filters and q, so a cursor replayed against another list is refused
/// instead of silently skipping rows. The checksum (not a keyed MAC) catches edited or truncated tokens; a forged cursor
/// gains nothing, because it only moves the start of a page within what the caller's filters and workspace already
/// allow.
/// </para>
/// </summary>
internal static class ListCursor
{
    private const int ChecksumLength = 8;

    public static string Encode(string spec, IReadOnlyList<string?> keys)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(new CursorPayload(spec, keys));
        var token = new byte[payload.Length + ChecksumLength];
        payload.CopyTo(token, 0);
        SHA256.HashData(payload).AsSpan(0, ChecksumLength).CopyTo(token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The key values of <paramref name="cursor"/>, or an error message for the <c>cursor</c> parameter.</summary>
    public static bool TryDecode(string cursor, string spec, out IReadOnlyList<string?> keys, out string error)
    {
        keys = [];
        error = "The cursor is not valid; use the nextCursor of a previous page unchanged.";
        byte[] token;
        try
        {
            token = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            return false;
        }
        if (token.Length <= ChecksumLength)
        {
            return false;
        }
        var payload = token.AsSpan(0, token.Length - ChecksumLength);
        if (!SHA256.HashData(payload).AsSpan(0, ChecksumLength).SequenceEqual(token.AsSpan(payload.Length)))
        {
            return false;
        }
        CursorPayload? decoded;
        try
        {
            decoded = JsonSerializer.Deserialize<CursorPayload>(payload);
        }
        catch (JsonException)
        {
            return false;
        }
        if (decoded?.S is null || decoded.K is null)
        {
            return false;
        }
        if (decoded.S != spec)
        {
            error = "The cursor belongs to a different sort, filter or q; repeat them unchanged, or start again without a cursor.";
            return false;
        }
        keys = decoded.K;
        return true;
    }

    /// <summary>A short hash naming a list request's shape (everything but the page position and size).</summary>
    public static string Spec(string resource, string sort, IEnumerable<string> filters, string? q)
    {
        var text = string.Join('\n', [resource, sort, .. filters.Order(StringComparer.Ordinal), q ?? string.Empty]);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 12));
    }

    private sealed record CursorPayload(string S, IReadOnlyList<string?> K);
}
