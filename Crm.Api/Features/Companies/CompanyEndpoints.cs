using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Companies;
using Crm.Domain.Records;

namespace Crm.Api.Features.Companies;

/// <summary>
/// <c>/api/v1/companies</c>: the first business resource, and the model of the others (docs/api.md, "Companies").
/// The endpoints are the shared ones of <see cref="ResourceMapping.MapResource"/>; this is what is a company's own.
/// </summary>
public static class CompanyEndpoints
{
    public const string EntityType = "company";

    public const int MaxBatchSize = ResourceRequests.MaxBatchSize;

    internal static readonly ResourceDefinition<Company, CompanyInput, CompanyResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "companies",
        OperationSingular = "Company",
        OperationPlural = "Companies",
        ListDescription = "Cursor-paged; sort, filter[field][op] (and filter[tag]) and q over name and domain (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].name).",
        RestoreDescription = "409 when a live company has taken its domain or account number meanwhile.",
        Set = db => db.Companies,
        New = id => new Company { Id = id, Name = "" },
        Listing = CompanyListing.Schema,
        ObjectType = ObjectType.Company,
        ToInput = c => c.ToInput(),
        ToResponse = c => c.ToResponse(),
        WithTags = (response, tags) => response with { Tags = tags },
        Apply = (input, company) => input.Apply(company),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = CompanyValidator.Validate,
        CheckReferences = CompanyReferences.CheckAsync,
        Conflicts =
        [
            new("companies_domain_unique", "domain", "A company with this domain already exists in the workspace."),
            new("companies_account_number_unique", "accountNumber", "A company with this account number already exists in the workspace."),
        ],
        // The validator lower-cases domains, so an exact comparison finds every repeat.
        BatchUnique = new("domain", i => i.Domain, StringComparer.Ordinal),
        BatchRequestType = typeof(CompanyBatchRequest),
        BatchResponseType = typeof(CompanyBatchResponse),
        ToBatchResponse = responses => new CompanyBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapCompanyEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
