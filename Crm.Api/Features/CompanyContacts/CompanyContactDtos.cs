using Crm.Api.Features.Contacts;

namespace Crm.Api.Features.CompanyContacts;

/// <summary>
/// The body of PUT /api/v1/companies/{companyId}/contacts/{contactId}, merged onto the link there is (or onto these
/// defaults for a new one): a member left out keeps its value. Unknown members are refused.
/// </summary>
public sealed record CompanyContactInput
{
    /// <summary>What the contact is at the company ("CFO", "consultant"); up to 100 characters.</summary>
    public string? Role { get; init; }

    /// <summary>The contact's primary company: true makes every other link of the contact non-primary.</summary>
    public bool IsPrimary { get; init; }
}

/// <summary>A link of a contact to a company (a company_contacts row).</summary>
public sealed record CompanyContactLinkResponse(
    Guid Id, Guid CompanyId, Guid ContactId, string? Role, bool IsPrimary, Guid? CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// One of a company's contacts: linked to it (<c>viaLink</c>: a company_contacts row, with its role and primary flag),
/// working there by its own companyId (<c>viaCompanyId</c>), or both.
/// </summary>
public sealed record CompanyContactResponse(
    ContactSummary Contact, bool ViaLink, bool ViaCompanyId, Guid? LinkId, string? Role, bool IsPrimary, DateTimeOffset? LinkedAt);

/// <summary>A company as a contact's list of companies shows it.</summary>
public sealed record CompanySummary(Guid Id, string Name, string? Domain, string? Industry);

/// <summary>One of a contact's companies: linked (<c>viaLink</c>), its own companyId (<c>viaCompanyId</c>), or both.</summary>
public sealed record ContactCompanyResponse(
    CompanySummary Company, bool ViaLink, bool ViaCompanyId, Guid? LinkId, string? Role, bool IsPrimary, DateTimeOffset? LinkedAt);
