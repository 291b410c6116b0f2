using System.Text.RegularExpressions;
using Crm.Domain.Companies;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Companies;

/// <summary>
/// Checks a <see cref="CompanyInput"/> against the rules of the companies table (its CHECKs, seed 004) and normalizes it
/// (trimmed, blanks to null, domain lower-case, currency upper-case), so the database never refuses what passed here.
/// Errors are keyed by the camelCase field, after <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static partial class CompanyValidator
{
    public static CompanyInput Validate(CompanyInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            Domain = Clean(input.Domain)?.ToLowerInvariant(),
            Website = Clean(input.Website),
            AccountNumber = Clean(input.AccountNumber),
            Industry = Clean(input.Industry),
            SubIndustry = Clean(input.SubIndustry),
            Size = Clean(input.Size),
            Currency = input.Currency.Trim().ToUpperInvariant(),
            StockSymbol = Clean(input.StockSymbol),
            Description = Clean(input.Description),
            LogoUrl = Clean(input.LogoUrl),
            Phone = Clean(input.Phone),
            Email = Clean(input.Email),
            AddressLine1 = Clean(input.AddressLine1),
            AddressLine2 = Clean(input.AddressLine2),
            City = Clean(input.City),
            State = Clean(input.State),
            PostalCode = Clean(input.PostalCode),
            Country = Clean(input.Country),
            Timezone = Clean(input.Timezone),
            LinkedinUrl = Clean(input.LinkedinUrl),
            TwitterHandle = Clean(input.TwitterHandle),
            FacebookUrl = Clean(input.FacebookUrl),
        };

        if (normalized.Name is null)
        {
            Fail("name", "Name is required.");
        }
        if (normalized.Domain is { } domain && (domain.Length > 255 || !DomainFormat().IsMatch(domain)))
        {
            Fail("domain", "Domain must be a host name such as example.com (no scheme or path).");
        }
        if (normalized.Email is { } email && !EmailFormat().IsMatch(email))
        {
            Fail("email", "Email must be an address such as info@example.com.");
        }
        CheckUrls([("website", normalized.Website), ("logoUrl", normalized.LogoUrl), ("linkedinUrl", normalized.LinkedinUrl), ("facebookUrl", normalized.FacebookUrl)], Fail);
        if (!CurrencyFormat().IsMatch(normalized.Currency))
        {
            Fail("currency", CurrencyRule);
        }
        if (normalized.Size is { } size && !CompanySizes.All.Contains(size))
        {
            Fail("size", $"Size must be one of: {string.Join(", ", CompanySizes.All)}.");
        }
        if (normalized.HealthScore is < 0 or > 100)
        {
            Fail("healthScore", "Health score must be from 0 to 100.");
        }
        if (normalized.EmployeeCount is <= 0)
        {
            Fail("employeeCount", "Employee count must be positive.");
        }
        if (normalized.AnnualRevenue is { } revenue && (revenue <= 0 || !IsAmount(revenue)))
        {
            Fail("annualRevenue", "Annual revenue must be positive, below 10^13, with at most 2 decimals.");
        }
        if (normalized.FoundedYear is < 1600 or > 2200)
        {
            Fail("foundedYear", "Founded year must be from 1600 to 2200.");
        }
        CheckLengths(Lengths(normalized), Fail);
        return normalized;
    }

    private static IEnumerable<(string Field, string? Value, int Max)> Lengths(CompanyInput i) =>
    [
        ("name", i.Name, 255), ("accountNumber", i.AccountNumber, 100), ("industry", i.Industry, 100),
        ("subIndustry", i.SubIndustry, 100), ("stockSymbol", i.StockSymbol, 10), ("phone", i.Phone, 50),
        ("email", i.Email, 255), ("addressLine1", i.AddressLine1, 255), ("addressLine2", i.AddressLine2, 255),
        ("city", i.City, 100), ("state", i.State, 100), ("postalCode", i.PostalCode, 50), ("country", i.Country, 100),
        ("timezone", i.Timezone, 64), ("twitterHandle", i.TwitterHandle, 100),
    ];

    /// <summary>A host name such as example.com, lower-case (the companies_domain_format CHECK).</summary>
    [GeneratedRegex(@"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$")]
    internal static partial Regex DomainFormat();
}
