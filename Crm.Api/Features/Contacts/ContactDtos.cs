using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Contacts;

namespace Crm.Api.Features.Contacts;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Unknown members are refused.
/// </summary>
public record ContactInput : ICustomFieldsInput
{
    /// <summary>firstName or lastName is required.</summary>
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    /// <summary>Unique (case-insensitively) among the workspace's live contacts.</summary>
    public string? Email { get; init; }

    public string? Phone { get; init; }

    public string? Mobile { get; init; }

    public string? Title { get; init; }

    public string? Department { get; init; }

    public LifecycleStage LifecycleStage { get; init; } = LifecycleStage.Lead;

    public ContactSource Source { get; init; } = ContactSource.Manual;

    public ContactStatus Status { get; init; } = ContactStatus.Active;

    public string? Website { get; init; }

    public string? LinkedinUrl { get; init; }

    public string? TwitterHandle { get; init; }

    public string? FacebookUrl { get; init; }

    public string? AddressLine1 { get; init; }

    public string? AddressLine2 { get; init; }

    public string? City { get; init; }

    public string? State { get; init; }

    public string? PostalCode { get; init; }

    public string? Country { get; init; }

    public string? Timezone { get; init; }

    /// <summary>A language tag such as en-US.</summary>
    public string? Language { get; init; }

    /// <summary>0-100.</summary>
    public int LeadScore { get; init; }

    /// <summary>Values of the workspace's custom fields of contacts, checked against their definitions.</summary>
    public JsonObject CustomFields { get; init; } = [];

    /// <summary>A live company of the workspace that the caller sees.</summary>
    public Guid? CompanyId { get; init; }

    /// <summary>Defaults to the caller on create.</summary>
    public Guid? OwnerId { get; init; }
}

/// <summary>A contact as the API returns it: its input fields plus what the server keeps.</summary>
public sealed record ContactResponse : ContactInput
{
    [JsonConstructor]
    public ContactResponse()
    {
    }

    public ContactResponse(ContactInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    public DateTimeOffset? LastContactedAt { get; init; }

    public DateTimeOffset? NextActivityAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its live tags, by name (PUT /api/v1/contacts/{id}/tags/{tagId} adds one); read-only.</summary>
    public IReadOnlyList<RecordTag> Tags { get; init; } = [];
}

/// <summary>The body of <c>POST /api/v1/contacts/batch</c>.</summary>
public sealed record ContactBatchRequest(IReadOnlyList<ContactInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record ContactBatchResponse(IReadOnlyList<ContactResponse> Data);
