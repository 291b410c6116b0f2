using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Leads;

namespace Crm.Api.Features.LeadScoringRules;

/// <summary>
/// <c>/api/v1/lead-scoring-rules</c> (docs/api.md, "Lead scoring rules"): the shared endpoints of
/// <see cref="ResourceMapping.MapResource"/> over a workspace setting. Every member reads every rule; owners, admins
/// and managers change them (the rules score every member's leads, so a member's own scope says nothing about them).
/// </summary>
public static class LeadScoringRuleEndpoints
{
    public const string EntityType = "lead_scoring_rule";

    /// <summary>Declared before <see cref="Resource"/>, which reads it when the class initializes.</summary>
    private static readonly ListingSchema<LeadScoringRule> Listing = new ListingSchema<LeadScoringRule>("lead-scoring-rules", r => r.Id)
        .Field("name", r => r.Name, sortable: true, filterable: true, searchable: true)
        .Field("ruleType", r => r.RuleType, filterable: true)
        .Field("field", r => r.Field, filterable: true)
        .Field("operator", r => r.Operator, filterable: true)
        .Field("isActive", r => r.IsActive, filterable: true)
        .Field("points", r => r.Points, sortable: true, filterable: true)
        .Field("sortOrder", r => r.SortOrder, sortable: true, filterable: true)
        .Field("createdAt", r => r.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", r => r.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("sortOrder,name");

    internal static readonly ResourceDefinition<LeadScoringRule, LeadScoringRuleInput, LeadScoringRuleResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "lead-scoring-rules",
        OperationSingular = "LeadScoringRule",
        OperationPlural = "LeadScoringRules",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name (docs/api.md, \"Lists\"); by default in the order rules apply.",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].value).",
        RestoreDescription = "409 when a live rule has taken its name meanwhile.",
        Set = db => db.LeadScoringRules,
        New = id => new LeadScoringRule { Id = id, Name = "", Field = "" },
        Listing = Listing,
        ToInput = r => r.ToInput(),
        ToResponse = r => r.ToResponse(),
        Apply = (input, rule) => input.Apply(rule),
        OwnedByDefault = (input, _) => input,
        Validate = LeadScoringRuleValidator.Validate,
        CheckReferences = (_, _, _, _) => Task.CompletedTask,
        Conflicts = [new("lead_scoring_rules_name_unique", "name", "A rule with this name already exists in the workspace.")],
        BatchUnique = new("name", i => i.Name, StringComparer.OrdinalIgnoreCase),
        BatchRequestType = typeof(LeadScoringRuleBatchRequest),
        BatchResponseType = typeof(LeadScoringRuleBatchResponse),
        ToBatchResponse = responses => new LeadScoringRuleBatchResponse(responses),
        WritePermission = Permission.ConfigurationManage,
        WorkspaceWide = true,
    };

    public static IEndpointRouteBuilder MapLeadScoringRuleEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
