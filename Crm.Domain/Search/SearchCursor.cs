using System.Buffers.Text;
using System.Text.Json;

namespace Crm.Domain.Search;

/// <summary>
/// Where a page of hits ended: the last hit's score, type and id (hits are ordered by score descending, then type and
/// id), as opaque base64url text. Keyset paging: a record indexed between two pages shifts nothing.
/// </summary>
public sealed record SearchCursor(double Score, string Type, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    /// <summary>The cursor in <paramref name="text"/>; null for none.</summary>
    /// <exception cref="InvalidSearchCursorException">The text is not a cursor this service wrote.</exception>
    public static SearchCursor? Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        try
        {
            var cursor = JsonSerializer.Deserialize<SearchCursor>(Base64Url.DecodeFromChars(text));
            return cursor is { Type: not null } && double.IsFinite(cursor.Score) ? cursor : throw new InvalidSearchCursorException();
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new InvalidSearchCursorException();
        }
    }
}

/// <summary>A cursor that is not one of ours (edited, truncated): the caller's mistake, a 400.</summary>
public sealed class InvalidSearchCursorException() : ArgumentException(Explanation, "cursor")
{
    public const string Explanation = "The cursor is not valid: pass the nextCursor of the previous page unchanged.";
}
