using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Teams;

/// <summary>Between <see cref="Team"/> and its DTOs.</summary>
internal static class TeamMapping
{
    public static TeamInput ToInput(this Team t) => new()
    {
        Name = t.Name, Description = t.Description, ParentTeamId = t.ParentTeamId, ManagerId = t.ManagerId,
    };

    public static TeamResponse ToResponse(this Team t) => new(t.ToInput())
    {
        Id = t.Id,
        CreatedBy = t.CreatedBy,
        UpdatedBy = t.UpdatedBy,
        CreatedAt = t.CreatedAt,
        UpdatedAt = t.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="TeamValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this TeamInput i, Team t)
    {
        t.Name = i.Name!;
        t.Description = i.Description;
        t.ParentTeamId = i.ParentTeamId;
        t.ManagerId = i.ManagerId;
    }
}
