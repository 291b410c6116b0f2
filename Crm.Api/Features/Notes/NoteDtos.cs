using System.Text.Json.Serialization;
using Crm.Api.Features.Timeline;

namespace Crm.Api.Features.Notes;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to (pin and unpin with <c>{"isPinned": true}</c>).
/// </summary>
public record NoteInput : ILinkedInput
{
    /// <summary>Markdown, required, at most 20,000 characters.</summary>
    public string? Content { get; init; }

    public bool IsPinned { get; init; }

    /// <summary>The ids of the members the note mentions: active members of the workspace, at most 50.</summary>
    public IReadOnlyList<Guid> Mentions { get; init; } = [];

    /// <summary>At least one of contactId, companyId, dealId and leadId: live records the caller sees.</summary>
    public Guid? ContactId { get; init; }

    public Guid? CompanyId { get; init; }

    public Guid? DealId { get; init; }

    public Guid? LeadId { get; init; }

    /// <summary>Defaults to the caller (the author) on create.</summary>
    public Guid? OwnerId { get; init; }
}

/// <summary>A note as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record NoteResponse : NoteInput
{
    [JsonConstructor]
    public NoteResponse()
    {
    }

    public NoteResponse(NoteInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    /// <summary>The author.</summary>
    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/notes/batch</c>.</summary>
public sealed record NoteBatchRequest(IReadOnlyList<NoteInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record NoteBatchResponse(IReadOnlyList<NoteResponse> Data);
