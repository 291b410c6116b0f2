using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Auth.ApiKeys;

/// <summary>
/// <c>POST /api/v1/api-keys</c>. Enums as strings, checked by the endpoint so each bad field gets its own error:
/// <paramref name="Scopes"/> of read and write (write includes read), <paramref name="Role"/> at most the creator's
/// (default: theirs), <paramref name="ExpiresAt"/> in the future or null (never expires).
/// </summary>
public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes, string? Role, DateTimeOffset? ExpiresAt);

/// <summary>An API key as listed: never its secret. <see cref="Key"/> is set once, in the answer to its creation.</summary>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string Prefix, IReadOnlyList<ApiKeyScope> Scopes, MemberRole Role, Guid CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Key = null)
{
    public static ApiKeyResponse From(ApiKey key, string? secret = null) => new(
        key.Id, key.Name, key.KeyPrefix, key.Scopes, key.Role, key.CreatedBy, key.CreatedAt, key.ExpiresAt, key.LastUsedAt, key.RevokedAt, secret);
}
