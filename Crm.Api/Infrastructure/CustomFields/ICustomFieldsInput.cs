using System.Text.Json.Nodes;

namespace Crm.Api.Infrastructure.CustomFields;

/// <summary>
/// An input with custom field values (a record's <c>custom_fields</c>). The resource pipeline validates them against
/// the workspace's definitions and normalizes them in place (<see cref="CustomFieldSchema.Check"/>).
/// </summary>
public interface ICustomFieldsInput
{
    JsonObject CustomFields { get; }
}
