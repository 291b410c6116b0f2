using System.Text.Json;
using Crm.Domain.Pipelines;

namespace Crm.Api.Features.Pipelines;

/// <summary>Between <see cref="Pipeline"/>, <see cref="PipelineStage"/> and their DTOs.</summary>
internal static class PipelineMapping
{
    public static PipelineInput ToInput(this Pipeline p) => new()
    {
        Name = p.Name, Description = p.Description, PipelineType = p.PipelineType, IsDefault = p.IsDefault,
        IsActive = p.IsActive, RottingDays = p.RottingDays, Currency = p.Currency, DisplayOrder = p.DisplayOrder,
    };

    public static PipelineResponse ToResponse(this Pipeline p) => new(p.ToInput())
    {
        Id = p.Id,
        CreatedBy = p.CreatedBy,
        UpdatedBy = p.UpdatedBy,
        CreatedAt = p.CreatedAt,
        UpdatedAt = p.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="PipelineValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this PipelineInput i, Pipeline p)
    {
        p.Name = i.Name;
        p.Description = i.Description;
        p.PipelineType = i.PipelineType;
        p.IsDefault = i.IsDefault;
        p.IsActive = i.IsActive;
        p.RottingDays = i.RottingDays;
        p.Currency = i.Currency;
        p.DisplayOrder = i.DisplayOrder;
    }

    public static StageInput ToInput(this PipelineStage s) => new()
    {
        Name = s.Name, Description = s.Description, Position = s.Position, Kind = s.Kind,
        DefaultProbability = s.DefaultProbability, RottingDays = s.RottingDays, WipLimit = s.WipLimit,
        RequiredFields = s.RequiredFieldNames(), Color = s.Color,
    };

    public static StageResponse ToResponse(this PipelineStage s) => new(s.ToInput())
    {
        Id = s.Id,
        PipelineId = s.PipelineId,
        CreatedBy = s.CreatedBy,
        UpdatedBy = s.UpdatedBy,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
    };

    /// <summary>Copies a validated input onto the stage; the position is the caller's to place (<see cref="StageEndpoints"/>).</summary>
    public static void Apply(this StageInput i, PipelineStage s)
    {
        s.Name = i.Name;
        s.Description = i.Description;
        s.Kind = i.Kind;
        s.DefaultProbability = i.DefaultProbability;
        s.RottingDays = i.RottingDays;
        s.WipLimit = i.WipLimit;
        s.RequiredFields = JsonSerializer.Serialize(i.RequiredFields);
        s.Color = i.Color;
    }

    public static IReadOnlyList<string> RequiredFieldNames(this PipelineStage s) =>
        JsonSerializer.Deserialize<string[]>(s.RequiredFields) ?? [];
}
