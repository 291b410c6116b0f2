using System.Text.Json.Serialization;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Members;

/// <summary>A member of the workspace: the user, their role, record scope and status.</summary>
public sealed record MemberResponse(
    Guid UserId, string? Email, string? FirstName, string? LastName, MemberRole Role, RecordScope RecordScope, MemberStatus Status,
    Guid? InvitedBy, DateTimeOffset? InvitedAt, DateTimeOffset? JoinedAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static MemberResponse From(WorkspaceMember m) => new(
        m.UserId, m.User?.Email, m.User?.FirstName, m.User?.LastName, m.Role, m.RecordScope, m.Status,
        m.InvitedBy, m.InvitedAt, m.JoinedAt, m.CreatedAt, m.UpdatedAt);
}

/// <summary>What <c>PATCH /api/v1/members/{userId}</c> changes (a JSON merge patch onto these); status active or suspended.</summary>
public sealed record MemberInput
{
    public MemberRole Role { get; init; }

    public RecordScope RecordScope { get; init; }

    public MemberStatus Status { get; init; }

    public static MemberInput From(WorkspaceMember m) => new() { Role = m.Role, RecordScope = m.RecordScope, Status = m.Status };
}

/// <summary><c>POST /api/v1/members/invitations</c>; role and recordScope as their lower_snake names.</summary>
public sealed record CreateInvitationRequest(string? Email, string? Role, string? RecordScope);

/// <summary>An invitation; <see cref="Token"/> only in the answer to its creation (only its hash is kept).</summary>
public sealed record InvitationResponse(
    Guid Id, string Email, MemberRole Role, RecordScope RecordScope, Guid InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token = null)
{
    public static InvitationResponse From(MemberInvitation i, string? token = null) =>
        new(i.Id, i.Email, i.Role, i.RecordScope, i.InvitedBy, i.CreatedAt, i.ExpiresAt, token);
}

/// <summary>
/// <c>POST /api/v1/auth/invitations/accept</c>: the token, and for someone without an account the password (and
/// optionally names) of the account to create with the invitation's email.
/// </summary>
public sealed record AcceptInvitationRequest(string? Token, string? Password, string? FirstName, string? LastName);

public sealed record RoleResponse(MemberRole Role, string Name, string Description, IReadOnlyList<string> Permissions);

public sealed record PermissionResponse(string Name, string Description);

/// <summary>The built-in roles, highest first, and what each permission means.</summary>
public sealed record RolesResponse(IReadOnlyList<RoleResponse> Data, IReadOnlyList<PermissionResponse> Permissions);
