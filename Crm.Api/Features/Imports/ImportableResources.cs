using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Leads;

namespace Crm.Api.Features.Imports;

/// <summary>
/// The resources CSV files can be imported into. Each entry is the resource's definition (its input type, validator,
/// reference check, Apply and New: everything a POST uses) and the field rows are deduped on. A resource becomes
/// importable by one more entry here.
/// </summary>
internal static class ImportableResources
{
    private static readonly IImportTarget[] Targets =
    [
        ImportTarget.For(ContactEndpoints.Resource, new("email", i => i.Email, c => c.EmailKey), defaults: """{"source": "import"}"""),
        ImportTarget.For(CompanyEndpoints.Resource, new("domain", i => i.Domain, c => c.DomainKey)),
        // Leads have no unique email (one person arrives from several forms): rows are deduped on it all the same.
        ImportTarget.For(LeadEndpoints.Resource, new("email", i => i.Email, l => l.EmailKey)),
    ];

    public static IEnumerable<string> ObjectTypes => Targets.Select(t => t.ObjectType);

    public static IImportTarget? Find(string? objectType) => Targets.FirstOrDefault(t => t.ObjectType == objectType);
}
