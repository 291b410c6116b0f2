using Crm.Api.Features.Audit;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Imports;

namespace Crm.Api.Features;

/// <summary>The CRM's business resources (DESIGN.md section 7), their audit trail and CSV imports, for Program.cs to map at once.</summary>
public static class ResourceEndpoints
{
    public static IEndpointRouteBuilder MapResourceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapCompanyEndpoints();
        routes.MapContactEndpoints();
        routes.MapAuditEndpoints();
        routes.MapImportEndpoints();
        return routes;
    }
}
