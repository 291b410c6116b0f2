using System.Buffers.Text;
using System.Security.Cryptography;

namespace Crm.Api.Features.Auth;

/// <summary>
/// The bearer secrets of API keys and invitations: <c>{prefix}{base64url(32 random bytes + the workspace id)}</c>. The
/// token names its workspace so that the row can be found under row-level security for that workspace (before anyone
/// is signed in); a token whose workspace was changed finds nothing. Only the SHA-256 of the random part is stored.
/// </summary>
internal static class WorkspaceSecrets
{
    private const int SecretLength = 32;
    private const int WorkspaceIdLength = 16;

    public static (string Token, byte[] Hash) Create(string prefix, Guid workspaceId)
    {
        Span<byte> bytes = stackalloc byte[SecretLength + WorkspaceIdLength];
        RandomNumberGenerator.Fill(bytes[..SecretLength]);
        workspaceId.TryWriteBytes(bytes[SecretLength..], bigEndian: true, out _);
        return (prefix + Base64Url.EncodeToString(bytes), SHA256.HashData(bytes[..SecretLength]));
    }

    /// <summary>The workspace a token names and the hash to look it up by; false when it is not one of ours.</summary>
    public static bool TryRead(string? token, string prefix, out Guid workspaceId, out byte[] hash)
    {
        workspaceId = Guid.Empty;
        hash = [];
        Span<byte> bytes = stackalloc byte[SecretLength + WorkspaceIdLength];
        // Checked before decoding: TryDecodeFromChars throws on characters outside base64url.
        if (token is null || !token.StartsWith(prefix, StringComparison.Ordinal) ||
            !Base64Url.IsValid(token.AsSpan(prefix.Length), out var length) || length != bytes.Length ||
            Base64Url.GetEncodedLength(bytes.Length) != token.Length - prefix.Length ||
            !Base64Url.TryDecodeFromChars(token.AsSpan(prefix.Length), bytes, out _))
        {
            return false;
        }
        workspaceId = new Guid(bytes[SecretLength..], bigEndian: true);
        hash = SHA256.HashData(bytes[..SecretLength]);
        return true;
    }
}
