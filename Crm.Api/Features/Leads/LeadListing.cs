using Crm.Api.Infrastructure.Listing;
using Crm.Domain.Leads;

namespace Crm.Api.Features.Leads;

/// <summary>What <c>GET /api/v1/leads</c> and a lead's score history sort, filter and search (q) by.</summary>
internal static class LeadListing
{
    public static readonly ListingSchema<Lead> Schema = new ListingSchema<Lead>("leads", l => l.Id)
        .Field("firstName", l => l.FirstName, sortable: true, filterable: true, searchable: true)
        .Field("lastName", l => l.LastName, sortable: true, filterable: true, searchable: true)
        .Field("email", l => l.Email, sortable: true, filterable: true, searchable: true)
        .Field("companyName", l => l.CompanyName, sortable: true, filterable: true, searchable: true)
        .Field("industry", l => l.Industry, sortable: true, filterable: true)
        .Field("country", l => l.Country, sortable: true, filterable: true)
        .Field("source", l => l.Source, filterable: true)
        .Field("campaign", l => l.Campaign, filterable: true)
        .Field("utmSource", l => l.UtmSource, filterable: true)
        .Field("utmCampaign", l => l.UtmCampaign, filterable: true)
        .Field("status", l => l.Status, filterable: true)
        .Field("qualificationStatus", l => l.QualificationStatus, filterable: true)
        .Field("interestLevel", l => l.InterestLevel, filterable: true)
        .Field("decisionMaker", l => l.DecisionMaker, filterable: true)
        .Field("grade", l => l.Grade, sortable: true, filterable: true)
        .Field("score", l => l.Score, sortable: true, filterable: true)
        .Field("budget", l => l.Budget, sortable: true, filterable: true)
        .Field("employeeCount", l => l.EmployeeCount, sortable: true, filterable: true)
        .Field("annualRevenue", l => l.AnnualRevenue, sortable: true, filterable: true)
        .Field("ownerId", l => l.OwnerId, filterable: true)
        .Field("convertedContactId", l => l.ConvertedContactId, filterable: true)
        .Field("convertedCompanyId", l => l.ConvertedCompanyId, filterable: true)
        .Field("convertedDealId", l => l.ConvertedDealId, filterable: true)
        .Field("convertedAt", l => l.ConvertedAt, sortable: true, filterable: true)
        .Field("lastTouchAt", l => l.LastTouchAt, sortable: true, filterable: true)
        .Field("lastActivityAt", l => l.LastActivityAt, sortable: true, filterable: true)
        .Field("createdAt", l => l.CreatedAt, sortable: true, filterable: true)
        .Field("updatedAt", l => l.UpdatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");

    public static readonly ListingSchema<LeadScoreChange> ScoreHistory = new ListingSchema<LeadScoreChange>("lead-score-history", h => h.Id)
        .Field("reason", h => h.Reason, filterable: true)
        .Field("changedBy", h => h.ChangedBy, filterable: true)
        .Field("changedAt", h => h.ChangedAt, sortable: true, filterable: true)
        .DefaultSort("-changedAt,-id");
}
