using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Contacts;

/// <summary>
/// Checks a <see cref="ContactInput"/> against the rules of the contacts table (its CHECKs, seed 004) and normalizes it
/// (trimmed, blanks to null), so the database never refuses what passed here. Errors are keyed by the camelCase field,
/// after <c>prefix</c> ("items[3].") in a batch.
/// </summary>
internal static class ContactValidator
{
    public static ContactInput Validate(ContactInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            FirstName = Clean(input.FirstName),
            LastName = Clean(input.LastName),
            Email = Clean(input.Email),
            Phone = Clean(input.Phone),
            Mobile = Clean(input.Mobile),
            Title = Clean(input.Title),
            Department = Clean(input.Department),
            Website = Clean(input.Website),
            LinkedinUrl = Clean(input.LinkedinUrl),
            TwitterHandle = Clean(input.TwitterHandle),
            FacebookUrl = Clean(input.FacebookUrl),
            AddressLine1 = Clean(input.AddressLine1),
            AddressLine2 = Clean(input.AddressLine2),
            City = Clean(input.City),
            State = Clean(input.State),
            PostalCode = Clean(input.PostalCode),
            Country = Clean(input.Country),
            Timezone = Clean(input.Timezone),
            Language = Clean(input.Language),
        };

        if (normalized.FirstName is null && normalized.LastName is null)
        {
            Fail("firstName", "Give a first name or a last name.");
        }
        if (normalized.Email is { } email && !EmailFormat().IsMatch(email))
        {
            Fail("email", "Email must be an address such as jane@example.com.");
        }
        CheckUrls([("website", normalized.Website), ("linkedinUrl", normalized.LinkedinUrl), ("facebookUrl", normalized.FacebookUrl)], Fail);
        if (normalized.LeadScore is < 0 or > 100)
        {
            Fail("leadScore", "Lead score must be from 0 to 100.");
        }
        CheckLengths(Lengths(normalized), Fail);
        return normalized;
    }

    private static IEnumerable<(string Field, string? Value, int Max)> Lengths(ContactInput i) =>
    [
        ("firstName", i.FirstName, 100), ("lastName", i.LastName, 100), ("email", i.Email, 255), ("phone", i.Phone, 50),
        ("mobile", i.Mobile, 50), ("title", i.Title, 255), ("department", i.Department, 100),
        ("twitterHandle", i.TwitterHandle, 100), ("addressLine1", i.AddressLine1, 255), ("addressLine2", i.AddressLine2, 255),
        ("city", i.City, 100), ("state", i.State, 100), ("postalCode", i.PostalCode, 50), ("country", i.Country, 100),
        ("timezone", i.Timezone, 64), ("language", i.Language, 10),
    ];
}
