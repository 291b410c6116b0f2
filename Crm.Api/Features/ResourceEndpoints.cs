using Crm.Api.Features.Audit;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.CustomFields;
using Crm.Api.Features.SavedViews;
using Crm.Api.Features.Tags;
using Crm.Api.Features.Territories;

namespace Crm.Api.Features;

/// <summary>The CRM's business resources (DESIGN.md section 7) and their audit trail, for Program.cs to map at once.</summary>
public static class ResourceEndpoints
{
    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapCompanyEndpoints();
        routes.MapContactEndpoints();
        routes.MapTagEndpoints();
        routes.MapCustomFieldEndpoints();
        routes.MapSavedViewEndpoints();
        routes.MapTerritoryEndpoints();
        routes.MapAuditEndpoints();
        return routes;
    }
}
