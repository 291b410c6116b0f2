using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Crm.Api.Features.Imports;

/// <summary>
/// The fields of a resource's input type (its API fields, as POST takes them) that CSV columns can fill, and how a
/// cell's text becomes the JSON value of one. The value is then read by the same merge patch and validator as a POST
/// body, so the rules of a field live in one place.
/// </summary>
internal sealed class ImportFields
{
    /// <summary>Types whose JSON form is a string: the cell is the string, as it is.</summary>
    private static readonly HashSet<Type> TextTypes =
        [typeof(string), typeof(Guid), typeof(DateTimeOffset), typeof(DateTime), typeof(DateOnly), typeof(TimeOnly), typeof(char)];

    private readonly Dictionary<string, JsonPropertyInfo> _fields;

    public ImportFields(Type inputType, JsonSerializerOptions json)
    {
        json.MakeReadOnly(populateMissingResolver: true);
        _fields = json.GetTypeInfo(inputType).Properties
            .Where(p => p.Set is not null || p.AssociatedParameter is not null)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<string> Names => _fields.Values.Select(f => f.Name);

    /// <summary>The field's name as the API spells it, whatever the case of <paramref name="name"/>.</summary>
    public string? Find(string name) => _fields.TryGetValue(name.Trim(), out var field) ? field.Name : null;

    /// <summary>
    /// The JSON value of a (non-blank) cell for <paramref name="field"/>: text for strings, ids, dates and enums; parsed
    /// JSON for numbers, booleans and JSON objects (custom fields, as the CSV export writes them). Text that does not
    /// parse is passed on as a string, and the merge patch answers what the field must be.
    /// </summary>
    public JsonNode ToJson(string field, string cell)
    {
        var type = _fields[field].PropertyType;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (TextTypes.Contains(type) || type.IsEnum)
        {
            return JsonValue.Create(cell);
        }
        try
        {
            return JsonNode.Parse(type == typeof(bool) ? cell.Trim().ToLowerInvariant() : cell) ?? JsonValue.Create(cell);
        }
        catch (JsonException)
        {
            return JsonValue.Create(cell);
        }
    }
}
