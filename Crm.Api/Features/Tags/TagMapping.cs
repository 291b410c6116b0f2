using Crm.Domain.Tags;

namespace Crm.Api.Features.Tags;

/// <summary>Between <see cref="Tag"/> and its DTOs.</summary>
internal static class TagMapping
{
    public static TagInput ToInput(this Tag t) => new() { Name = t.Name, Color = t.Color, Description = t.Description };

    public static TagResponse ToResponse(this Tag t) => new(t.ToInput())
    {
        Id = t.Id,
        CreatedBy = t.CreatedBy,
        UpdatedBy = t.UpdatedBy,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="TagValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this TagInput i, Tag t)
    {
        t.Name = i.Name!;
        t.Color = i.Color;
        t.Description = i.Description;
    }
}
