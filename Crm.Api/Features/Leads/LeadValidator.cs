using Crm.Domain.Leads;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Leads;

/// <summary>
/// Checks a <see cref="LeadInput"/> against the rules of the leads table (its CHECKs, migration 0007) and normalizes it
/// (trimmed, blanks to null, currency and grade upper-case), so the database never refuses what passed here. Errors
/// are keyed by the camelCase field, after <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static class LeadValidator
{
    public static LeadInput Validate(LeadInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            FirstName = Clean(input.FirstName),
            LastName = Clean(input.LastName),
            Email = Clean(input.Email),
            Phone = Clean(input.Phone),
            Title = Clean(input.Title),
            CompanyName = Clean(input.CompanyName),
            Website = Clean(input.Website),
            Industry = Clean(input.Industry),
            Currency = input.Currency.Trim().ToUpperInvariant(),
            AddressLine1 = Clean(input.AddressLine1),
            AddressLine2 = Clean(input.AddressLine2),
            City = Clean(input.City),
            State = Clean(input.State),
            PostalCode = Clean(input.PostalCode),
            Country = Clean(input.Country),
            SourceDetail = Clean(input.SourceDetail),
            Campaign = Clean(input.Campaign),
            UtmSource = Clean(input.UtmSource),
            UtmMedium = Clean(input.UtmMedium),
            UtmCampaign = Clean(input.UtmCampaign),
            UtmTerm = Clean(input.UtmTerm),
            UtmContent = Clean(input.UtmContent),
            ReferrerUrl = Clean(input.ReferrerUrl),
            LandingPageUrl = Clean(input.LandingPageUrl),
            Timeline = Clean(input.Timeline),
            PainPoints = Clean(input.PainPoints),
            Grade = Clean(input.Grade)?.ToUpperInvariant(),
        };

        if (normalized.FirstName is null && normalized.LastName is null && normalized.CompanyName is null)
        {
            Fail("firstName", "Give a first name, a last name or a company name.");
        }
        if (normalized.Email is { } email && !EmailFormat().IsMatch(email))
        {
            Fail("email", "Email must be an address such as jane@example.com.");
        }
        CheckUrls([("website", normalized.Website), ("referrerUrl", normalized.ReferrerUrl), ("landingPageUrl", normalized.LandingPageUrl)], Fail);
        if (!CurrencyFormat().IsMatch(normalized.Currency))
        {
            Fail("currency", CurrencyRule);
        }
        if (normalized.EmployeeCount is <= 0)
        {
            Fail("employeeCount", "Employee count must be positive.");
        }
        if (normalized.AnnualRevenue is { } revenue && (revenue <= 0 || !IsAmount(revenue)))
        {
            Fail("annualRevenue", "Annual revenue must be positive, below 10^13, with at most 2 decimals.");
        }
        if (normalized.Budget is { } budget && !IsAmount(budget))
        {
            Fail("budget", $"Budget must be {AmountRule}.");
        }
        if (normalized.FirstTouchAt > normalized.LastTouchAt)
        {
            Fail("lastTouchAt", "The last touch cannot be before the first.");
        }
        if (normalized.Status == LeadStatus.Converted)
        {
            Fail("status", "A lead becomes converted only through POST /api/v1/leads/{id}/convert.");
        }
        if (normalized.Score is < 0 or > 100)
        {
            Fail("score", "Score must be from 0 to 100.");
        }
        if (normalized.Grade is { } grade && grade is not ("A" or "B" or "C" or "D" or "E" or "F"))
        {
            Fail("grade", "Grade must be a letter from A to F.");
        }
        CheckLengths(Lengths(normalized), Fail);
        return normalized;
    }

    private static IEnumerable<(string Field, string? Value, int Max)> Lengths(LeadInput i) =>
    [
        ("firstName", i.FirstName, 100), ("lastName", i.LastName, 100), ("email", i.Email, 255), ("phone", i.Phone, 50),
        ("title", i.Title, 255), ("companyName", i.CompanyName, 255), ("industry", i.Industry, 100),
        ("addressLine1", i.AddressLine1, 255), ("addressLine2", i.AddressLine2, 255), ("city", i.City, 100),
        ("state", i.State, 100), ("postalCode", i.PostalCode, 50), ("country", i.Country, 100),
        ("sourceDetail", i.SourceDetail, 255), ("campaign", i.Campaign, 255), ("utmSource", i.UtmSource, 255),
        ("utmMedium", i.UtmMedium, 255), ("utmCampaign", i.UtmCampaign, 255), ("utmTerm", i.UtmTerm, 255),
        ("utmContent", i.UtmContent, 255), ("timeline", i.Timeline, 100),
    ];
}
