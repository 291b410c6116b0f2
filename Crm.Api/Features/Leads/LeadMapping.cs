using System.Text.Json.Nodes;
using Crm.Domain.Leads;

namespace Crm.Api.Features.Leads;

/// <summary>Between <see cref="Lead"/> and its DTOs.</summary>
internal static class LeadMapping
{
    public static LeadInput ToInput(this Lead l) => new()
    {
        FirstName = l.FirstName, LastName = l.LastName, Email = l.Email, Phone = l.Phone, Title = l.Title,
        CompanyName = l.CompanyName, Website = l.Website, Industry = l.Industry, EmployeeCount = l.EmployeeCount,
        AnnualRevenue = l.AnnualRevenue, Currency = l.Currency, AddressLine1 = l.AddressLine1, AddressLine2 = l.AddressLine2,
        City = l.City, State = l.State, PostalCode = l.PostalCode, Country = l.Country, Source = l.Source,
        SourceDetail = l.SourceDetail, Campaign = l.Campaign, UtmSource = l.UtmSource, UtmMedium = l.UtmMedium,
        UtmCampaign = l.UtmCampaign, UtmTerm = l.UtmTerm, UtmContent = l.UtmContent, ReferrerUrl = l.ReferrerUrl,
        LandingPageUrl = l.LandingPageUrl, FirstTouchAt = l.FirstTouchAt, LastTouchAt = l.LastTouchAt, Status = l.Status,
        QualificationStatus = l.QualificationStatus, InterestLevel = l.InterestLevel, Budget = l.Budget, Timeline = l.Timeline,
        DecisionMaker = l.DecisionMaker, PainPoints = l.PainPoints, Score = l.Score, Grade = l.Grade,
        CustomFields = JsonNode.Parse(l.CustomFields)!.AsObject(), OwnerId = l.OwnerId,
    };

    public static LeadResponse ToResponse(this Lead l) => new(l.ToInput())
    {
        Id = l.Id,
        ScoreUpdatedAt = l.ScoreUpdatedAt,
        LastActivityAt = l.LastActivityAt,
        NextActivityAt = l.NextActivityAt,
        ConvertedAt = l.ConvertedAt,
        ConvertedBy = l.ConvertedBy,
        ConvertedContactId = l.ConvertedContactId,
        ConvertedCompanyId = l.ConvertedCompanyId,
        ConvertedDealId = l.ConvertedDealId,
        CreatedBy = l.CreatedBy,
        UpdatedBy = l.UpdatedBy,
        CreatedAt = l.CreatedAt,
        UpdatedAt = l.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="LeadValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this LeadInput i, Lead l)
    {
        l.FirstName = i.FirstName;
        l.LastName = i.LastName;
        l.Email = i.Email;
        l.Phone = i.Phone;
        l.Title = i.Title;
        l.CompanyName = i.CompanyName;
        l.Website = i.Website;
        l.Industry = i.Industry;
        l.EmployeeCount = i.EmployeeCount;
        l.AnnualRevenue = i.AnnualRevenue;
        l.Currency = i.Currency;
        l.AddressLine1 = i.AddressLine1;
        l.AddressLine2 = i.AddressLine2;
        l.City = i.City;
        l.State = i.State;
        l.PostalCode = i.PostalCode;
        l.Country = i.Country;
        l.Source = i.Source;
        l.SourceDetail = i.SourceDetail;
        l.Campaign = i.Campaign;
        l.UtmSource = i.UtmSource;
        l.UtmMedium = i.UtmMedium;
        l.UtmCampaign = i.UtmCampaign;
        l.UtmTerm = i.UtmTerm;
        l.UtmContent = i.UtmContent;
        l.ReferrerUrl = i.ReferrerUrl;
        l.LandingPageUrl = i.LandingPageUrl;
        l.FirstTouchAt = i.FirstTouchAt;
        l.LastTouchAt = i.LastTouchAt;
        l.Status = i.Status;
        l.QualificationStatus = i.QualificationStatus;
        l.InterestLevel = i.InterestLevel;
        l.Budget = i.Budget;
        l.Timeline = i.Timeline;
        l.DecisionMaker = i.DecisionMaker;
        l.PainPoints = i.PainPoints;
        l.Score = i.Score;
        l.Grade = i.Grade;
        l.CustomFields = i.CustomFields.ToJsonString();
        l.OwnerId = i.OwnerId;
    }

    public static LeadScoreChangeResponse ToResponse(this LeadScoreChange h) => new(
        h.Id, h.LeadId, h.OldScore, h.NewScore, h.NewScore - h.OldScore, h.Reason, JsonNode.Parse(h.Factors)!, h.Model,
        h.ChangedBy, h.ChangedAt);
}
