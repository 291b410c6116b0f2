using System.Text.Json.Serialization;

namespace Crm.Api.Features.Tags;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record TagInput
{
    /// <summary>Required; unique, case-insensitively, among the workspace's live tags.</summary>
    public string? Name { get; init; }

    /// <summary>#RRGGBB (stored upper-case).</summary>
    public string Color { get; init; } = "#808080";

    public string? Description { get; init; }
}

/// <summary>A tag as the API returns it.</summary>
public sealed record TagResponse : TagInput
{
    [JsonConstructor]
    public TagResponse()
    {
    }

    public TagResponse(TagInput fields)
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

/// <summary>The body of <c>POST /api/v1/tags/batch</c>.</summary>
public sealed record TagBatchRequest(IReadOnlyList<TagInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record TagBatchResponse(IReadOnlyList<TagResponse> Data);
