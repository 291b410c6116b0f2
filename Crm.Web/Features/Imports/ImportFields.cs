using System.Text.RegularExpressions;
using Crm.Web.Records;

namespace Crm.Web.Features.Imports;

/// <summary>
/// The fields a CSV column can fill, by import type: every input field of the API's create body (docs/api.md), so a
/// file exported from a list imports as it is, plus <c>customFields</c> (a JSON object per cell).
/// </summary>
public static partial class ImportFields
{
    private static readonly Dictionary<string, string[]> Inputs = new()
    {
        ["contacts"] =
        [
            "firstName", "lastName", "email", "phone", "mobile", "title", "department", "lifecycleStage", "source", "status",
            "website", "linkedinUrl", "facebookUrl", "twitterHandle", "addressLine1", "addressLine2", "city", "state",
            "postalCode", "country", "timezone", "language", "leadScore", "companyId", "ownerId", "customFields",
        ],
        ["companies"] =
        [
            "name", "domain", "website", "logoUrl", "linkedinUrl", "facebookUrl", "accountNumber", "type", "status", "priority",
            "industry", "subIndustry", "size", "employeeCount", "annualRevenue", "currency", "foundedYear", "stockSymbol",
            "description", "phone", "email", "addressLine1", "addressLine2", "city", "state", "postalCode", "country", "timezone",
            "twitterHandle", "healthScore", "parentCompanyId", "territoryId", "ownerId", "customFields",
        ],
        ["leads"] =
        [
            "firstName", "lastName", "companyName", "email", "phone", "title", "website", "industry", "employeeCount",
            "annualRevenue", "budget", "currency", "addressLine1", "addressLine2", "city", "state", "postalCode", "country",
            "source", "sourceDetail", "campaign", "utmSource", "utmMedium", "utmCampaign", "utmTerm", "utmContent",
            "referrerUrl", "landingPageUrl", "firstTouchAt", "lastTouchAt", "status", "qualificationStatus", "interestLevel",
            "timeline", "decisionMaker", "painPoints", "score", "grade", "ownerId", "customFields",
        ],
    };

    /// <summary>The types a CSV can be imported into (deals cannot).</summary>
    public static readonly IReadOnlyList<RecordType> Types = [RecordType.Contacts, RecordType.Companies, RecordType.Leads];

    /// <summary>The field keys and labels of a type, labels as the lists show them.</summary>
    public static IReadOnlyList<(string Key, string Label)> Of(RecordType type) =>
        Inputs[type.Plural].Select(key => (key, type.Field(key)?.Label ?? Words(key))).ToList();

    /// <summary>The field a column fills by default: the one its header names, case aside (as the API maps it).</summary>
    public static string? DefaultFor(RecordType type, string header) =>
        Inputs[type.Plural].FirstOrDefault(key => string.Equals(key, header.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The column that decides whether a row is a duplicate.</summary>
    public static string DedupeKey(RecordType type) => type.Plural == "companies" ? "domain" : "email";

    // "addressLine1" → "Address line 1"
    private static string Words(string key)
    {
        var spaced = CamelWords().Replace(key, " $1").ToLowerInvariant();
        return char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    [GeneratedRegex("([A-Z]|[0-9]+)")]
    private static partial Regex CamelWords();
}
