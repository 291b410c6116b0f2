using Crm.Api.Features.Contacts;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.CompanyContacts;

/// <summary>
/// The two lists of company-contact links. Each is a query over the records of the other side the caller sees (live,
/// in their record scope) left-joined to the links, so a row is a record linked, one whose own companyId makes it part
/// of the company, or both; a deleted or unseen contact (company) never shows.
/// </summary>
internal static class CompanyContactListing
{
    public static readonly ListingSchema<CompanyContactRow> Contacts = new ListingSchema<CompanyContactRow>("company_contacts", r => r.Id)
        .Field("firstName", r => r.FirstName, sortable: true, filterable: true, searchable: true)
        .Field("lastName", r => r.LastName, sortable: true, filterable: true, searchable: true)
        .Field("email", r => r.Email, sortable: true, filterable: true, searchable: true)
        .LinkFields()
        .DefaultSort("lastName");

    public static readonly ListingSchema<ContactCompanyRow> Companies = new ListingSchema<ContactCompanyRow>("contact_companies", r => r.Id)
        .Field("name", r => r.Name, sortable: true, filterable: true, searchable: true)
        .Field("domain", r => r.Domain, sortable: true, filterable: true, searchable: true)
        .LinkFields()
        .DefaultSort("name");

    /// <summary>The contacts of a company the caller sees.</summary>
    public static IQueryable<CompanyContactRow> ContactsOf(ResourceServices services, Guid companyId) =>
        services.Visible(services.Db.Contacts)
            .LeftJoin(services.Db.CompanyContacts.Where(l => l.CompanyId == companyId), c => c.Id, l => l.ContactId, (c, l) => new { Contact = c, Link = l })
            .Where(x => x.Link != null || x.Contact.CompanyId == companyId)
            .Select(x => new CompanyContactRow
            {
                Id = x.Contact.Id,
                FirstName = x.Contact.FirstName,
                LastName = x.Contact.LastName,
                Email = x.Contact.Email,
                Title = x.Contact.Title,
                LinkId = x.Link == null ? null : x.Link.Id,
                Role = x.Link == null ? null : x.Link.Role,
                IsPrimary = x.Link != null && x.Link.IsPrimary,
                LinkedAt = x.Link == null ? null : x.Link.CreatedAt,
                ViaCompanyId = x.Contact.CompanyId == companyId,
            });

    /// <summary>The companies of a contact (whose own company is <paramref name="ownCompanyId"/>) the caller sees.</summary>
    public static IQueryable<ContactCompanyRow> CompaniesOf(ResourceServices services, Guid contactId, Guid? ownCompanyId) =>
        services.Visible(services.Db.Companies)
            .LeftJoin(services.Db.CompanyContacts.Where(l => l.ContactId == contactId), c => c.Id, l => l.CompanyId, (c, l) => new { Company = c, Link = l })
            .Where(x => x.Link != null || x.Company.Id == ownCompanyId)
            .Select(x => new ContactCompanyRow
            {
                Id = x.Company.Id,
                Name = x.Company.Name,
                Domain = x.Company.Domain,
                Industry = x.Company.Industry,
                LinkId = x.Link == null ? null : x.Link.Id,
                Role = x.Link == null ? null : x.Link.Role,
                IsPrimary = x.Link != null && x.Link.IsPrimary,
                LinkedAt = x.Link == null ? null : x.Link.CreatedAt,
                ViaCompanyId = x.Company.Id == ownCompanyId,
            });

    public static CompanyContactResponse ToResponse(CompanyContactRow r) => new(
        new ContactSummary(r.Id, r.FirstName, r.LastName, r.Email, r.Title), r.LinkId is not null, r.ViaCompanyId, r.LinkId, r.Role, r.IsPrimary, r.LinkedAt);

    public static ContactCompanyResponse ToResponse(ContactCompanyRow r) => new(
        new CompanySummary(r.Id, r.Name, r.Domain, r.Industry), r.LinkId is not null, r.ViaCompanyId, r.LinkId, r.Role, r.IsPrimary, r.LinkedAt);

    /// <summary>What both lists filter by of the link.</summary>
    private static ListingSchema<T> LinkFields<T>(this ListingSchema<T> schema) where T : LinkedRow => schema
        .Field("role", r => r.Role, filterable: true)
        .Field("viaLink", r => r.LinkId != null, filterable: true)
        .Field("isPrimary", r => r.IsPrimary, filterable: true)
        .Field("viaCompanyId", r => r.ViaCompanyId, filterable: true)
        .Field("linkedAt", r => r.LinkedAt, sortable: true, filterable: true);
}

/// <summary>A row of either list: the link, if any, and whether the contact's own companyId is the company.</summary>
internal abstract class LinkedRow
{
    /// <summary>The id of the record listed (the contact, or the company).</summary>
    public Guid Id { get; init; }

    public Guid? LinkId { get; init; }

    public string? Role { get; init; }

    public bool IsPrimary { get; init; }

    public DateTimeOffset? LinkedAt { get; init; }

    public bool ViaCompanyId { get; init; }
}

internal sealed class CompanyContactRow : LinkedRow
{
    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Email { get; init; }

    public string? Title { get; init; }
}

internal sealed class ContactCompanyRow : LinkedRow
{
    public required string Name { get; init; }

    public string? Domain { get; init; }

    public string? Industry { get; init; }
}
