using System.Text.Json.Nodes;
using Crm.Domain.Deals;

namespace Crm.Api.Features.Deals;

/// <summary>Between <see cref="Deal"/>, <see cref="DealLineItem"/> and their DTOs.</summary>
internal static class DealMapping
{
    public static DealInput ToInput(this Deal d) => new()
    {
        Name = d.Name, Description = d.Description, Value = d.Value, Currency = d.Currency, Probability = d.Probability,
        Status = d.Status, DealType = d.DealType, Priority = d.Priority, PipelineId = d.PipelineId, StageId = d.StageId,
        ExpectedCloseDate = d.ExpectedCloseDate, ActualCloseDate = d.ActualCloseDate, WonReason = d.WonReason,
        LostReason = d.LostReason, Competitor = d.Competitor, Source = d.Source, NextStep = d.NextStep,
        ContactId = d.ContactId, CompanyId = d.CompanyId, OwnerId = d.OwnerId, WatcherIds = [.. d.WatcherIds],
        CustomFields = JsonNode.Parse(d.CustomFields)!.AsObject(),
    };

    public static DealResponse ToResponse(this Deal d) => new(d.ToInput())
    {
        Id = d.Id,
        WeightedValue = d.WeightedValue,
        StageEnteredAt = d.StageEnteredAt,
        LastActivityAt = d.LastActivityAt,
        CreatedBy = d.CreatedBy,
        UpdatedBy = d.UpdatedBy,
        CreatedAt = d.CreatedAt,
        UpdatedAt = d.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated and completed (<see cref="DealValidator"/>, <see cref="DealReferences.CompleteAsync"/>) input
    /// onto the entity. Fields completion fills keep the entity's value when it could not (the input then has errors).
    /// </summary>
    public static void Apply(this DealInput i, Deal d)
    {
        d.Name = i.Name;
        d.Description = i.Description;
        d.Value = i.Value;
        d.Currency = i.Currency ?? d.Currency;
        d.Probability = i.Probability ?? d.Probability;
        d.Status = i.Status ?? d.Status;
        d.DealType = i.DealType;
        d.Priority = i.Priority;
        d.PipelineId = i.PipelineId ?? d.PipelineId;
        d.StageId = i.StageId ?? d.StageId;
        d.ExpectedCloseDate = i.ExpectedCloseDate;
        d.ActualCloseDate = i.ActualCloseDate;
        d.WonReason = i.WonReason;
        d.LostReason = i.LostReason;
        d.Competitor = i.Competitor;
        d.Source = i.Source;
        d.NextStep = i.NextStep;
        d.ContactId = i.ContactId;
        d.CompanyId = i.CompanyId;
        d.OwnerId = i.OwnerId;
        d.WatcherIds = [.. i.WatcherIds];
        d.CustomFields = i.CustomFields.ToJsonString();
    }

    public static DealLineItemInput ToInput(this DealLineItem l) => new()
    {
        ProductId = l.ProductId, Name = l.Name, Sku = l.Sku, Description = l.Description, Quantity = l.Quantity,
        UnitPrice = l.UnitPrice, DiscountPercent = l.DiscountPercent, TaxPercent = l.TaxPercent,
    };

    public static DealLineItemResponse ToResponse(this DealLineItem l) => new(l.ToInput())
    {
        Id = l.Id,
        DealId = l.DealId,
        Total = l.Total,
        CreatedBy = l.CreatedBy,
        UpdatedBy = l.UpdatedBy,
        CreatedAt = l.CreatedAt,
        UpdatedAt = l.UpdatedAt,
    };

    /// <summary>Copies a validated input whose name and unit price are known (<see cref="DealLineItemEndpoints"/>) onto the line.</summary>
    public static void Apply(this DealLineItemInput i, DealLineItem l)
    {
        l.ProductId = i.ProductId;
        l.Name = i.Name!;
        l.Sku = i.Sku;
        l.Description = i.Description;
        l.Quantity = i.Quantity;
        l.UnitPrice = i.UnitPrice!.Value;
        l.DiscountPercent = i.DiscountPercent;
        l.TaxPercent = i.TaxPercent;
    }
}
