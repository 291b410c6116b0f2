using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Tasks;

namespace Crm.Api.Features.Tasks;

/// <summary>What <c>GET /api/v1/tasks</c> sorts, filters and searches (q) by.</summary>
internal static class TaskListing
{
    public static readonly ListingSchema<TaskItem> Schema = new ListingSchema<TaskItem>("tasks", t => t.Id)
        .Field("title", t => t.Title, sortable: true, filterable: true, searchable: true)
        .Field("type", t => t.Type, filterable: true)
        .Field("priority", t => t.Priority, filterable: true)
        .Field("status", t => t.Status, filterable: true)
        .Field("dueAt", t => t.DueAt, sortable: true, filterable: true)
        .Field("assignedTo", t => t.OwnerId, filterable: true)
        .Field("assignedBy", t => t.AssignedBy, filterable: true)
        .Field("contactId", t => t.ContactId, filterable: true)
        .Field("companyId", t => t.CompanyId, filterable: true)
        .Field("dealId", t => t.DealId, filterable: true)
        .Field("leadId", t => t.LeadId, filterable: true)
        .Field("recurrenceParentId", t => t.RecurrenceParentId, filterable: true)
        .Field("completedAt", t => t.CompletedAt, sortable: true, filterable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", t => t.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("dueAt");
}
