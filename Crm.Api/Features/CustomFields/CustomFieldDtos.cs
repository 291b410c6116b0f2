using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Domain.CustomFields;
using Crm.Domain.Records;

namespace Crm.Api.Features.CustomFields;

/// <summary>The fields a client writes (POST body, batch item, the document a PATCH merge patch applies to).</summary>
public record CustomFieldInput
{
    /// <summary>Required: contact, company (the types the API serves). Fixed once created.</summary>
    public ObjectType? ObjectType { get; init; }

    /// <summary>Required: snake_case, the key of the value in records' customFields. Fixed once created.</summary>
    public string? Key { get; init; }

    /// <summary>Required.</summary>
    public string? Label { get; init; }

    /// <summary>Required. Fixed once created.</summary>
    public CustomFieldType? FieldType { get; init; }

    /// <summary>Records must have a value on create, and a change may not remove it.</summary>
    public bool Required { get; init; }

    /// <summary>The choices of a select or multiselect field (required for them, refused for the other types).</summary>
    public IReadOnlyList<CustomFieldOption>? Options { get; init; }

    public CustomFieldRules ValidationRules { get; init; } = new();

    /// <summary>An inactive field keeps the values records have but takes no new ones.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>The order of the fields in forms (0 or more).</summary>
    public int Position { get; init; }

    public string? HelpText { get; init; }

    public string? Placeholder { get; init; }
}

/// <summary>A custom field definition as the API returns it.</summary>
public sealed record CustomFieldResponse : CustomFieldInput
{
    [JsonConstructor]
    public CustomFieldResponse()
    {
    }

    public CustomFieldResponse(CustomFieldInput fields)
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

/// <summary>The body of <c>POST /api/v1/custom-fields/batch</c>.</summary>
public sealed record CustomFieldBatchRequest(IReadOnlyList<CustomFieldInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record CustomFieldBatchResponse(IReadOnlyList<CustomFieldResponse> Data);
