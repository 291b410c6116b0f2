using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;

namespace Crm.Api.Features.Imports;

/// <summary>
/// The resources CSV files can be imported into. Each entry is the resource's definition (its input type, validator,
/// reference check, Apply and New: everything a POST uses) and, for dedupe, how to read the entity's unique field that
/// the definition's BatchUnique names on the input. A resource becomes importable by one more entry here.
/// </summary>
internal static class ImportableResources
{
    private static readonly IImportTarget[] Targets =
    [
        new ImportTarget<Domain.Contacts.Contact, ContactInput, ContactResponse>(ContactEndpoints.Resource, c => c.Email),
        new ImportTarget<Domain.Companies.Company, CompanyInput, CompanyResponse>(CompanyEndpoints.Resource, c => c.Domain),
    ];

    public static IEnumerable<string> ObjectTypes => Targets.Select(t => t.ObjectType);

    public static IImportTarget? Find(string? objectType) => Targets.FirstOrDefault(t => t.ObjectType == objectType);
}
