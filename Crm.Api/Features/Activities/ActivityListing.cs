using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Activities;

namespace Crm.Api.Features.Activities;

/// <summary>What <c>GET /api/v1/activities</c> sorts, filters and searches (q) by.</summary>
internal static class ActivityListing
{
    public static readonly ListingSchema<Activity> Schema = new ListingSchema<Activity>("activities", a => a.Id)
        .Field("subject", a => a.Subject, sortable: true, filterable: true, searchable: true)
        .Field("type", a => a.Type, filterable: true)
        .Field("status", a => a.Status, filterable: true)
        .Field("priority", a => a.Priority, filterable: true)
        .Field("direction", a => a.Direction, filterable: true)
        .Field("ownerId", a => a.OwnerId, filterable: true)
        .Field("assignedTo", a => a.AssignedTo, filterable: true)
        .Field("contactId", a => a.ContactId, filterable: true)
        .Field("companyId", a => a.CompanyId, filterable: true)
        .Field("dealId", a => a.DealId, filterable: true)
        .Field("leadId", a => a.LeadId, filterable: true)
        .Field("followUpRequired", a => a.FollowUpRequired, filterable: true)
        .Field("scheduledAt", a => a.ScheduledAt, sortable: true, filterable: true)
        .Field("dueAt", a => a.DueAt, sortable: true, filterable: true)
        .Field("completedAt", a => a.CompletedAt, sortable: true, filterable: true)
        .Field("followUpAt", a => a.FollowUpAt, sortable: true, filterable: true)
        .Field("occurredAt", a => a.OccurredAt, sortable: true, filterable: true)
        .Field("createdAt", a => a.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", a => a.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-occurredAt,-id");
}
