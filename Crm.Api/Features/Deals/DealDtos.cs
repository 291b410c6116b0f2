using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Deals;

namespace Crm.Api.Features.Deals;

/// <summary>
/// The fields a client writes: the body of POST (merged onto these defaults), of each batch item, and the document a
/// PATCH merge patch applies to. Unknown members are refused. The stage changes only by <c>POST /deals/{id}/move</c>.
/// </summary>
public record DealInput : ICustomFieldsInput
{
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>At least 0, in <see cref="Currency"/>. A deal with line items is worth their sum and takes no other value.</summary>
    public decimal Value { get; init; }

    /// <summary>ISO 4217 code; null: the pipeline's currency.</summary>
    public string? Currency { get; init; }

    /// <summary>0-100; null: the stage's (its default probability; 100 in a won stage, 0 in a lost one).</summary>
    public int? Probability { get; init; }

    /// <summary>Null: the stage's (open, or won/lost in a won/lost stage). A lost deal needs a lost reason.</summary>
    public DealStatus? Status { get; init; }

    public DealType DealType { get; init; } = DealType.NewBusiness;

    public DealPriority Priority { get; init; } = DealPriority.Medium;

    /// <summary>A live pipeline of the workspace; null: the default pipeline (or the stage's pipeline when stageId is given).</summary>
    public Guid? PipelineId { get; init; }

    /// <summary>A live stage of the pipeline; null: the pipeline's first stage.</summary>
    public Guid? StageId { get; init; }

    public DateOnly? ExpectedCloseDate { get; init; }

    /// <summary>Set to today (UTC) when a deal is won or lost without one.</summary>
    public DateOnly? ActualCloseDate { get; init; }

    public string? WonReason { get; init; }

    public string? LostReason { get; init; }

    public string? Competitor { get; init; }

    public string? Source { get; init; }

    public string? NextStep { get; init; }

    /// <summary>A live contact of the workspace that the caller sees.</summary>
    public Guid? ContactId { get; init; }

    /// <summary>A live company of the workspace that the caller sees.</summary>
    public Guid? CompanyId { get; init; }

    /// <summary>Defaults to the caller on create.</summary>
    public Guid? OwnerId { get; init; }

    /// <summary>Active members of the workspace who follow the deal.</summary>
    public IReadOnlyList<Guid> WatcherIds { get; init; } = [];

    public JsonObject CustomFields { get; init; } = [];
}

/// <summary>A deal as the API returns it: its input fields (all resolved) plus what the server keeps.</summary>
public sealed record DealResponse : DealInput
{
    [JsonConstructor]
    public DealResponse()
    {
    }

    public DealResponse(DealInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    /// <summary>value × probability / 100.</summary>
    public decimal WeightedValue { get; init; }

    public DateTimeOffset StageEnteredAt { get; init; }

    public DateTimeOffset? LastActivityAt { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its live tags, by name (PUT /api/v1/deals/{id}/tags/{tagId} adds one); read-only.</summary>
    public IReadOnlyList<RecordTag> Tags { get; init; } = [];
}

/// <summary>The body of <c>POST /api/v1/deals/batch</c>.</summary>
public sealed record DealBatchRequest(IReadOnlyList<DealInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record DealBatchResponse(IReadOnlyList<DealResponse> Data);

/// <summary>The body of <c>POST /api/v1/deals/{id}/move</c>.</summary>
public sealed record DealMoveRequest
{
    /// <summary>Required: a live stage of an active pipeline (another pipeline's moves the deal there).</summary>
    public Guid? StageId { get; init; }

    /// <summary>Needed to enter a lost stage unless the deal has one already.</summary>
    public string? LostReason { get; init; }

    public string? WonReason { get; init; }
}

/// <summary>One entry of a deal's stage history.</summary>
public sealed record DealStageChangeResponse(
    Guid Id,
    Guid? FromStageId,
    string? FromStageName,
    Guid ToStageId,
    string ToStageName,
    int? FromProbability,
    int ToProbability,
    long? SecondsInFromStage,
    Guid? ChangedBy,
    DateTimeOffset ChangedAt);

/// <summary>A deal's stage history, newest first; the last entry is the stage it was created in.</summary>
public sealed record DealStageHistoryResponse(IReadOnlyList<DealStageChangeResponse> Data);

/// <summary>The fields of a line item a client writes (POST body, PATCH merge patch target).</summary>
public record DealLineItemInput
{
    /// <summary>A live product of the workspace, or null for a free-text line.</summary>
    public Guid? ProductId { get; init; }

    /// <summary>Required; on create, defaults to the product's name.</summary>
    public string? Name { get; init; }

    /// <summary>On create, defaults to the product's SKU.</summary>
    public string? Sku { get; init; }

    public string? Description { get; init; }

    /// <summary>More than 0, at most 2 decimals.</summary>
    public decimal Quantity { get; init; } = 1;

    /// <summary>In the deal's currency. Required; on create, defaults to the product's price when it is in the deal's currency.</summary>
    public decimal? UnitPrice { get; init; }

    /// <summary>0-100.</summary>
    public decimal DiscountPercent { get; init; }

    /// <summary>At least 0, below 1000.</summary>
    public decimal TaxPercent { get; init; }
}

/// <summary>A line item as the API returns it.</summary>
public sealed record DealLineItemResponse : DealLineItemInput
{
    [JsonConstructor]
    public DealLineItemResponse()
    {
    }

    public DealLineItemResponse(DealLineItemInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-2)]
    public required Guid Id { get; init; }

    [JsonPropertyOrder(-1)]
    public required Guid DealId { get; init; }

    /// <summary>quantity × unitPrice, less discountPercent, plus taxPercent, rounded to cents.</summary>
    public decimal Total { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A deal's line items, and the deal's value (their sum when there are any) and currency.</summary>
public sealed record DealLineItemList(IReadOnlyList<DealLineItemResponse> Data, decimal DealValue, string Currency);
