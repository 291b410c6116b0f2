using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Domain.Records;
using Crm.Domain.SavedViews;

namespace Crm.Api.Features.SavedViews;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record SavedViewInput
{
    /// <summary>Required.</summary>
    public string? Name { get; init; }

    /// <summary>Required: contact, company (the types the API serves).</summary>
    public ObjectType? ObjectType { get; init; }

    /// <summary>
    /// The list's filters: <c>{"field": value}</c> for eq, or <c>{"field": {"op": value}}</c> (an array for in), checked
    /// against the object type's list, so a saved view always runs. A merge patch changes them field by field.
    /// </summary>
    public JsonObject Filters { get; init; } = [];

    /// <summary>The list's free-text search.</summary>
    public string? Q { get; init; }

    /// <summary>The list's sort ("-leadScore,lastName"); null: the list's default.</summary>
    public string? Sort { get; init; }

    /// <summary>The fields to show, in order: fields of the object type's records, or customFields.{key}.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    public ViewVisibility Visibility { get; init; } = ViewVisibility.Private;

    /// <summary>The team that sees the view: required for visibility team, refused otherwise.</summary>
    public Guid? TeamId { get; init; }

    /// <summary>The owner's default view of the object type (at most one).</summary>
    public bool IsDefault { get; init; }
}

/// <summary>A saved view as the API returns it; <see cref="CreatedBy"/> is its owner.</summary>
public sealed record SavedViewResponse : SavedViewInput
{
    [JsonConstructor]
    public SavedViewResponse()
    {
    }

    public SavedViewResponse(SavedViewInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    /// <summary>The view as a list request: GET it for the view's records.</summary>
    public required string ListPath { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/saved-views/batch</c>.</summary>
public sealed record SavedViewBatchRequest(IReadOnlyList<SavedViewInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record SavedViewBatchResponse(IReadOnlyList<SavedViewResponse> Data);
