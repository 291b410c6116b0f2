using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Activities;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>What <c>GET /api/v1/activity-templates</c> sorts, filters and searches (q) by.</summary>
internal static class ActivityTemplateListing
{
    public static readonly ListingSchema<ActivityTemplate> Schema = new ListingSchema<ActivityTemplate>("activity-templates", t => t.Id)
        .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
        .Field("type", t => t.Type, filterable: true)
        .Field("defaultPriority", t => t.DefaultPriority, filterable: true)
        .Field("durationMinutes", t => t.DurationMinutes, sortable: true, filterable: true)
        .Field("isActive", t => t.IsActive, filterable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", t => t.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("name");
}
