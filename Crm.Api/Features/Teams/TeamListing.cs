using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Teams;

/// <summary>What <c>GET /api/v1/teams</c> sorts, filters and searches (q) by.</summary>
internal static class TeamListing
{
    public static readonly ListingSchema<Team> Schema = new ListingSchema<Team>("teams", t => t.Id)
        .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
        .Field("parentTeamId", t => t.ParentTeamId, filterable: true)
        .Field("managerId", t => t.ManagerId, filterable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", t => t.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
