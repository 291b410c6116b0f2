using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Deals;

/// <summary>
/// Checks deal and line item inputs against the rules of their tables (their CHECKs, seed 004's probability range and
/// amounts) and normalizes them (trimmed, blanks to null, currency upper-case, watchers once each), so the database
/// never refuses what passed here. What needs the stage (a lost deal's reason) is checked on completion
/// (<see cref="DealReferences"/>).
/// </summary>
internal static class DealValidator
{
    /// <summary>The largest quantity numeric(12, 2) holds.</summary>
    private const decimal MaxQuantity = 9_999_999_999.99m;

    public static DealInput Validate(DealInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = input.Name.Trim(),
            Description = Clean(input.Description),
            Currency = Clean(input.Currency)?.ToUpperInvariant(),
            WonReason = Clean(input.WonReason),
            LostReason = Clean(input.LostReason),
            Competitor = Clean(input.Competitor),
            Source = Clean(input.Source),
            NextStep = Clean(input.NextStep),
            WatcherIds = [.. input.WatcherIds.Distinct()],
        };
        if (normalized.Name.Length == 0)
        {
            Fail("name", "Name is required.");
        }
        if (!IsAmount(normalized.Value))
        {
            Fail("value", $"Value must be {AmountRule}.");
        }
        if (normalized.Currency is { } currency && !CurrencyFormat().IsMatch(currency))
        {
            Fail("currency", CurrencyRule);
        }
        if (normalized.Probability is < 0 or > 100)
        {
            Fail("probability", "Probability must be from 0 to 100.");
        }
        CheckLengths([("name", normalized.Name, 255), ("competitor", normalized.Competitor, 200), ("source", normalized.Source, 100)], Fail);
        return normalized;
    }

    public static DealLineItemInput Validate(DealLineItemInput input, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[field] = [message];

        var normalized = input with { Name = Clean(input.Name), Sku = Clean(input.Sku), Description = Clean(input.Description) };
        if (normalized.Quantity is <= 0 or > MaxQuantity || decimal.Round(normalized.Quantity, 2) != normalized.Quantity)
        {
            Fail("quantity", $"Quantity must be more than 0, at most {MaxQuantity}, with at most 2 decimals.");
        }
        if (normalized.UnitPrice is { } price && !IsAmount(price))
        {
            Fail("unitPrice", $"Unit price must be {AmountRule}.");
        }
        if (normalized.DiscountPercent is < 0 or > 100 || decimal.Round(normalized.DiscountPercent, 2) != normalized.DiscountPercent)
        {
            Fail("discountPercent", "Discount must be a percentage from 0 to 100, with at most 2 decimals.");
        }
        if (normalized.TaxPercent is < 0 or >= 1000 || decimal.Round(normalized.TaxPercent, 2) != normalized.TaxPercent)
        {
            Fail("taxPercent", "Tax must be a percentage from 0, below 1000, with at most 2 decimals.");
        }
        CheckLengths([("name", normalized.Name, 255), ("sku", normalized.Sku, 100)], Fail);
        return normalized;
    }

    /// <summary>A line's total as the database computes it (deal_products.total).</summary>
    public static decimal LineTotal(decimal quantity, decimal unitPrice, decimal discountPercent, decimal taxPercent) =>
        decimal.Round(quantity * unitPrice * (100 - discountPercent) / 100 * (100 + taxPercent) / 100, 2, MidpointRounding.AwayFromZero);
}
