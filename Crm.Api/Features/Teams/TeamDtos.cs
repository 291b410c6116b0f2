using System.Text.Json.Serialization;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Teams;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record TeamInput
{
    /// <summary>Required; unique, case-insensitively, among the workspace's live teams.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>A live team of the workspace that is not this one or below it.</summary>
    public Guid? ParentTeamId { get; init; }

    /// <summary>An active member of the workspace.</summary>
    public Guid? ManagerId { get; init; }
}

/// <summary>A team as the API returns it.</summary>
public sealed record TeamResponse : TeamInput
{
    [JsonConstructor]
    public TeamResponse()
    {
    }

    public TeamResponse(TeamInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/teams/batch</c>.</summary>
public sealed record TeamBatchRequest(IReadOnlyList<TeamInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record TeamBatchResponse(IReadOnlyList<TeamResponse> Data);

/// <summary>The body of <c>PUT /api/v1/teams/{teamId}/members/{userId}</c>.</summary>
public sealed record TeamMemberInput
{
    public TeamRole Role { get; init; } = TeamRole.Member;
}

/// <summary>A member of a team: their role in it, and who they are.</summary>
public sealed record TeamMemberResponse(Guid UserId, TeamRole Role, DateTimeOffset JoinedAt, string? Email, string? FirstName, string? LastName);

/// <summary>A team's members, leads first, then in the order they joined.</summary>
public sealed record TeamMemberList(IReadOnlyList<TeamMemberResponse> Data);
