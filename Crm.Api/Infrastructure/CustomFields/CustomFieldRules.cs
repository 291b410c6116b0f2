using System.Text.Json.Nodes;

namespace Crm.Api.Infrastructure.CustomFields;

/// <summary>
/// A definition's validation rules (its <c>validation_rules</c> jsonb). Which apply depends on the field type:
/// <c>min</c>/<c>max</c> to numbers (number, currency, percent: JSON numbers) and dates (date: "yyyy-MM-dd";
/// datetime: ISO 8601); <c>minLength</c>, <c>maxLength</c> and <c>pattern</c> to text (text, textarea, url, email,
/// phone).
/// </summary>
public sealed record CustomFieldRules
{
    public JsonNode? Min { get; init; }

    public JsonNode? Max { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>A regular expression the value must match somewhere (anchor it with ^…$ to match the whole value).</summary>
    public string? Pattern { get; init; }
}

/// <summary>A choice of a select or multiselect field: the stored value, and what to show.</summary>
public sealed record CustomFieldOption
{
    public string Value { get; init; } = "";

    /// <summary>Defaults to the value.</summary>
    public string? Label { get; init; }
}
