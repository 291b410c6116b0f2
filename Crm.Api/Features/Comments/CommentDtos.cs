using Crm.Domain.Comments;

namespace Crm.Api.Features.Comments;

/// <summary>The body of <c>POST /api/v1/comments</c>.</summary>
public sealed record CommentInput
{
    /// <summary>Required: note, task, activity or deal.</summary>
    public CommentTarget? EntityType { get; init; }

    /// <summary>Required: a live record of that type that the caller sees.</summary>
    public Guid? EntityId { get; init; }

    /// <summary>A live comment on the same record, to reply to.</summary>
    public Guid? ParentCommentId { get; init; }

    /// <summary>Markdown, required, at most 10,000 characters.</summary>
    public string? Content { get; init; }

    /// <summary>The ids of the members the comment mentions: active members of the workspace, at most 50.</summary>
    public IReadOnlyList<Guid> Mentions { get; init; } = [];
}

/// <summary>What its author may change: the document a PATCH merge patch applies to.</summary>
public sealed record CommentEdit
{
    public string? Content { get; init; }

    public IReadOnlyList<Guid> Mentions { get; init; } = [];
}

/// <summary>A comment as the API returns it.</summary>
public sealed record CommentResponse(
    Guid Id,
    CommentTarget EntityType,
    Guid EntityId,
    Guid? ParentCommentId,
    string Content,
    IReadOnlyList<Guid> Mentions,
    IReadOnlyDictionary<string, IReadOnlyList<Guid>> Reactions,
    Guid CreatedBy,
    Guid? UpdatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
