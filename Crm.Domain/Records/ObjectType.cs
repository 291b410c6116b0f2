using System.Text.Json.Serialization;
using Crm.Domain.Persistence;

namespace Crm.Domain.Records;

/// <summary>
/// The kinds of business record that tags, custom fields and saved views apply to (the object_type and entity_type
/// CHECKs of migration 0010). The API serves those of them it has wired (Crm.Api's ObjectTypes).
/// </summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ObjectType>))]
public enum ObjectType
{
    Contact,
    Company,
    Deal,
    Lead,
}
