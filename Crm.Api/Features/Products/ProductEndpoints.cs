using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Products;

namespace Crm.Api.Features.Products;

/// <summary>
/// <c>/api/v1/products</c>: the workspace's catalogue, which deal line items may name (docs/api.md, "Products"). The
/// endpoints are the shared ones of <see cref="ResourceMapping.MapResource"/>. Products are workspace configuration:
/// every member reads them whatever their record scope; owners, admins and managers change them.
/// </summary>
public static class ProductEndpoints
{
    public const string EntityType = "product";

    internal static readonly ResourceDefinition<Product, ProductInput, ProductResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "products",
        OperationSingular = "Product",
        OperationPlural = "Products",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over name and SKU (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].sku).",
        RestoreDescription = "409 when a live product has taken its SKU meanwhile.",
        Set = db => db.Products,
        New = id => new Product { Id = id, Name = "" },
        Listing = ProductListing.Schema,
        ToInput = p => p.ToInput(),
        ToResponse = p => p.ToResponse(),
        Apply = (input, product) => input.Apply(product),
        OwnedByDefault = (input, _) => input,
        Validate = ProductValidator.Validate,
        CheckReferences = (_, _, _, _) => Task.CompletedTask,
        Conflicts = [new("products_sku_unique", "sku", "A product with this SKU already exists in the workspace.")],
        BatchUnique = new("sku", i => i.Sku, StringComparer.Ordinal),
        BatchRequestType = typeof(ProductBatchRequest),
        BatchResponseType = typeof(ProductBatchResponse),
        ToBatchResponse = responses => new ProductBatchResponse(responses),
        WorkspaceWide = true,
        WriterRoles = CallerAccess.ConfigurationManagers,
    };

    public static IEndpointRouteBuilder MapProductEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
