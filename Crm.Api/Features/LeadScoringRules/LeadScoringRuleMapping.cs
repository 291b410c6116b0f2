using Crm.Domain.Leads;

namespace Crm.Api.Features.LeadScoringRules;

/// <summary>Between <see cref="LeadScoringRule"/> and its DTOs.</summary>
internal static class LeadScoringRuleMapping
{
    public static LeadScoringRuleInput ToInput(this LeadScoringRule r) => new()
    {
        Name = r.Name, Description = r.Description, RuleType = r.RuleType, Field = r.Field, Operator = r.Operator,
        Value = r.Value, Points = r.Points, IsActive = r.IsActive, SortOrder = r.SortOrder,
    };

    public static LeadScoringRuleResponse ToResponse(this LeadScoringRule r) => new(r.ToInput())
    {
        Id = r.Id,
        CreatedBy = r.CreatedBy,
        UpdatedBy = r.UpdatedBy,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="LeadScoringRuleValidator"/>, so complete and normalized) input onto the entity.</summary>
    public static void Apply(this LeadScoringRuleInput i, LeadScoringRule r)
    {
        r.Name = i.Name!;
        r.Description = i.Description;
        r.RuleType = i.RuleType!.Value;
        r.Field = i.Field!;
        r.Operator = i.Operator!.Value;
        r.Value = i.Value;
        r.Points = i.Points;
        r.IsActive = i.IsActive;
        r.SortOrder = i.SortOrder;
    }
}
