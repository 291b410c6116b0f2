using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Domain.Territories;

namespace Crm.Api.Features.Territories;

/// <summary>Between <see cref="Territory"/> and its DTOs; rules are jsonb, stored camelCase without nulls.</summary>
internal static class TerritoryMapping
{
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static TerritoryInput ToInput(this Territory t) => new()
    {
        Name = t.Name, Description = t.Description, TerritoryType = t.TerritoryType, ParentTerritoryId = t.ParentTerritoryId,
        ManagerId = t.ManagerId, Rules = JsonSerializer.Deserialize<TerritoryRules>(t.Rules, Stored) ?? new TerritoryRules(),
        IsActive = t.IsActive,
    };

    public static TerritoryResponse ToResponse(this Territory t) => new(t.ToInput())
    {
        Id = t.Id,
        CreatedBy = t.CreatedBy,
        UpdatedBy = t.UpdatedBy,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="TerritoryValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this TerritoryInput i, Territory t)
    {
        t.Name = i.Name!;
        t.Description = i.Description;
        t.TerritoryType = i.TerritoryType;
        t.ParentTerritoryId = i.ParentTerritoryId;
        t.ManagerId = i.ManagerId;
        t.Rules = JsonSerializer.Serialize(i.Rules, Stored);
        t.IsActive = i.IsActive;
    }
}
