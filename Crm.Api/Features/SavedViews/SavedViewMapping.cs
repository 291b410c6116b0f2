using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.SavedViews;

namespace Crm.Api.Features.SavedViews;

/// <summary>Between <see cref="SavedView"/> and its DTOs.</summary>
internal static class SavedViewMapping
{
    public static SavedViewInput ToInput(this SavedView v) => new()
    {
        Name = v.Name, ObjectType = v.ObjectType, Filters = JsonNode.Parse(v.Filters)!.AsObject(), Q = v.Q, Sort = v.Sort,
        Columns = JsonSerializer.Deserialize<List<string>>(v.Columns) ?? [], Visibility = v.Visibility, TeamId = v.TeamId,
        IsDefault = v.IsDefault,
    };

    public static SavedViewResponse ToResponse(this SavedView v) => new(v.ToInput())
    {
        Id = v.Id,
        ListPath = SavedViewQuery.ListPath(
            ObjectTypes.All.TryGetValue(v.ObjectType, out var entry) ? entry.Route : "", JsonNode.Parse(v.Filters)!.AsObject(), v.Q, v.Sort),
        CreatedBy = v.CreatedBy,
        UpdatedBy = v.UpdatedBy,
        CreatedAt = v.CreatedAt,
        UpdatedAt = v.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated (<see cref="SavedViewValidator"/>, so normalized) input onto the entity. The pipeline copies
    /// an input that failed validation too, then discards the entity: missing values must not throw here.
    /// </summary>
    public static void Apply(this SavedViewInput i, SavedView v)
    {
        v.Name = i.Name!;
        v.ObjectType = i.ObjectType.GetValueOrDefault();
        v.Filters = i.Filters.ToJsonString();
        v.Q = i.Q;
        v.Sort = i.Sort;
        v.Columns = JsonSerializer.Serialize(i.Columns);
        v.Visibility = i.Visibility;
        v.TeamId = i.TeamId;
        v.IsDefault = i.IsDefault;
    }
}
