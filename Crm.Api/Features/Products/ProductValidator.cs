using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Products;

/// <summary>
/// Checks a <see cref="ProductInput"/> against the rules of the products table and normalizes it (trimmed, blanks to
/// null, currency upper-case), so the database never refuses what passed here.
/// </summary>
internal static class ProductValidator
{
    public static ProductInput Validate(ProductInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = input.Name.Trim(),
            Sku = Clean(input.Sku),
            Description = Clean(input.Description),
            Currency = input.Currency.Trim().ToUpperInvariant(),
            Category = Clean(input.Category),
        };
        if (normalized.Name.Length == 0)
        {
            Fail("name", "Name is required.");
        }
        if (!IsAmount(normalized.UnitPrice))
        {
            Fail("unitPrice", $"Unit price must be {AmountRule}.");
        }
        if (!CurrencyFormat().IsMatch(normalized.Currency))
        {
            Fail("currency", CurrencyRule);
        }
        CheckLengths([("name", normalized.Name, 255), ("sku", normalized.Sku, 100), ("category", normalized.Category, 100)], Fail);
        return normalized;
    }
}
