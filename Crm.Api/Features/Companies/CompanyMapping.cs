using System.Text.Json.Nodes;
using Crm.Domain.Companies;

namespace Crm.Api.Features.Companies;

/// <summary>Between <see cref="Company"/> and its DTOs.</summary>
internal static class CompanyMapping
{
    public static CompanyInput ToInput(this Company c) => new()
    {
        Name = c.Name, Domain = c.Domain, Website = c.Website, AccountNumber = c.AccountNumber,
        Type = c.Type, Status = c.Status, Priority = c.Priority, Industry = c.Industry, SubIndustry = c.SubIndustry,
        Size = c.Size, EmployeeCount = c.EmployeeCount, AnnualRevenue = c.AnnualRevenue, Currency = c.Currency,
        FoundedYear = c.FoundedYear, StockSymbol = c.StockSymbol, Description = c.Description, LogoUrl = c.LogoUrl,
        Phone = c.Phone, Email = c.Email, AddressLine1 = c.AddressLine1, AddressLine2 = c.AddressLine2, City = c.City,
        State = c.State, PostalCode = c.PostalCode, Country = c.Country, Timezone = c.Timezone,
        LinkedinUrl = c.LinkedinUrl, TwitterHandle = c.TwitterHandle, FacebookUrl = c.FacebookUrl,
        HealthScore = c.HealthScore, CustomFields = JsonNode.Parse(c.CustomFields)!.AsObject(),
        ParentCompanyId = c.ParentCompanyId, TerritoryId = c.TerritoryId, OwnerId = c.OwnerId,
    };

    public static CompanyResponse ToResponse(this Company c) => new(c.ToInput())
    {
        Id = c.Id,
        LastActivityAt = c.LastActivityAt,
        NextActivityAt = c.NextActivityAt,
        CreatedBy = c.CreatedBy,
        UpdatedBy = c.UpdatedBy,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="CompanyValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this CompanyInput i, Company c)
    {
        c.Name = i.Name!;
        c.Domain = i.Domain;
        c.Website = i.Website;
        c.AccountNumber = i.AccountNumber;
        c.Type = i.Type;
        c.Status = i.Status;
        c.Priority = i.Priority;
        c.Industry = i.Industry;
        c.SubIndustry = i.SubIndustry;
        c.Size = i.Size;
        c.EmployeeCount = i.EmployeeCount;
        c.AnnualRevenue = i.AnnualRevenue;
        c.Currency = i.Currency;
        c.FoundedYear = i.FoundedYear;
        c.StockSymbol = i.StockSymbol;
        c.Description = i.Description;
        c.LogoUrl = i.LogoUrl;
        c.Phone = i.Phone;
        c.Email = i.Email;
        c.AddressLine1 = i.AddressLine1;
        c.AddressLine2 = i.AddressLine2;
        c.City = i.City;
        c.State = i.State;
        c.PostalCode = i.PostalCode;
        c.Country = i.Country;
        c.Timezone = i.Timezone;
        c.LinkedinUrl = i.LinkedinUrl;
        c.TwitterHandle = i.TwitterHandle;
        c.FacebookUrl = i.FacebookUrl;
        c.HealthScore = i.HealthScore;
        c.CustomFields = i.CustomFields.ToJsonString();
        c.ParentCompanyId = i.ParentCompanyId;
        c.TerritoryId = i.TerritoryId;
        c.OwnerId = i.OwnerId;
    }
}
