using Crm.Api.Features.Activities;
using Crm.Api.Features.ActivityTemplates;
using Crm.Api.Features.Audit;
using Crm.Api.Features.Comments;
using Crm.Api.Features.Companies;
using Crm.Api.Features.CompanyContacts;
using Crm.Api.Features.ContactRelationships;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Deals;
using Crm.Api.Features.LeadScoringRules;
using Crm.Api.Features.Leads;
using Crm.Api.Features.Pipelines;
using Crm.Api.Features.Products;
using Crm.Api.Features.Notes;
using Crm.Api.Features.Notifications;
using Crm.Api.Features.Tasks;
using Crm.Api.Features.Timeline;
using Crm.Api.Features.CustomFields;
using Crm.Api.Features.SavedViews;
using Crm.Api.Features.Tags;
using Crm.Api.Features.Teams;
using Crm.Api.Features.Territories;
using Crm.Api.Features.Workspaces;
using Crm.Api.Features.Imports;

namespace Crm.Api.Features;

/// <summary>The CRM's business resources (DESIGN.md section 7), the workspace, its audit trail and security log, CSV imports and notifications, for Program.cs to map at once.</summary>
public static class ResourceEndpoints
{
    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapCompanyEndpoints();
        routes.MapContactEndpoints();
        routes.MapCompanyContactEndpoints();
        routes.MapContactRelationshipEndpoints();
        routes.MapPipelineEndpoints();
        routes.MapProductEndpoints();
        routes.MapDealEndpoints();
        routes.MapLeadEndpoints();
        routes.MapLeadScoringRuleEndpoints();
        routes.MapActivityEndpoints();
        routes.MapActivityTemplateEndpoints();
        routes.MapTaskEndpoints();
        routes.MapNoteEndpoints();
        routes.MapCommentEndpoints();
        routes.MapTimelineEndpoints();
        routes.MapTagEndpoints();
        routes.MapCustomFieldEndpoints();
        routes.MapSavedViewEndpoints();
        routes.MapTerritoryEndpoints();
        routes.MapTeamEndpoints();
        routes.MapAuditEndpoints();
        routes.MapSecurityLogEndpoints();
        routes.MapWorkspaceEndpoints();
        routes.MapImportEndpoints();
        routes.MapNotificationEndpoints();
        return routes;
    }
}
