using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.CustomFields;
using Crm.Domain.CustomFields;

namespace Crm.Api.Features.CustomFields;

/// <summary>Between <see cref="CustomFieldDefinition"/> and its DTOs; options and rules are jsonb, stored camelCase without nulls.</summary>
internal static class CustomFieldMapping
{
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static CustomFieldInput ToInput(this CustomFieldDefinition d) => new()
    {
        ObjectType = d.ObjectType, Key = d.Key, Label = d.Label, FieldType = d.FieldType, Required = d.IsRequired,
        Options = d.Options is null ? null : JsonSerializer.Deserialize<List<CustomFieldOption>>(d.Options, Stored),
        ValidationRules = JsonSerializer.Deserialize<CustomFieldRules>(d.ValidationRules, Stored) ?? new CustomFieldRules(),
        IsActive = d.IsActive, Position = d.Position, HelpText = d.HelpText, Placeholder = d.Placeholder,
    };

    public static CustomFieldResponse ToResponse(this CustomFieldDefinition d) => new(d.ToInput())
    {
        Id = d.Id,
        CreatedBy = d.CreatedBy,
        UpdatedBy = d.UpdatedBy,
        CreatedAt = d.CreatedAt,
        UpdatedAt = d.UpdatedAt,
    };

    /// <summary>
    /// Copies a validated (<see cref="CustomFieldValidator"/>, so normalized) input onto the entity. The pipeline copies
    /// an input that failed validation too, then discards the entity: missing values must not throw here.
    /// </summary>
    public static void Apply(this CustomFieldInput i, CustomFieldDefinition d)
    {
        d.ObjectType = i.ObjectType.GetValueOrDefault();
        d.Key = i.Key!;
        d.Label = i.Label!;
        d.FieldType = i.FieldType.GetValueOrDefault();
        d.IsRequired = i.Required;
        d.Options = i.Options is null ? null : JsonSerializer.Serialize(i.Options, Stored);
        d.ValidationRules = JsonSerializer.Serialize(i.ValidationRules, Stored);
        d.IsActive = i.IsActive;
        d.Position = i.Position;
        d.HelpText = i.HelpText;
        d.Placeholder = i.Placeholder;
    }
}
