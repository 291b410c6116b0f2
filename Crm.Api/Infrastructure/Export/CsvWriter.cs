using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Crm.Api.Infrastructure.Export;

/// <summary>
/// Writes records as RFC 4180 CSV: one column per JSON property of <typeparamref name="T"/> (the API's camelCase names
/// and value formats), nested objects and arrays as their JSON text. Text that a spreadsheet would run as a formula
/// gets a leading apostrophe (<see cref="CsvFormulas"/>).
/// </summary>
public sealed class CsvWriter<T>
{
    private readonly JsonSerializerOptions _json;
    private readonly IReadOnlyList<JsonPropertyInfo> _columns;

    public CsvWriter(JsonSerializerOptions json)
    {
        _json = json;
        _columns = [.. json.GetTypeInfo(typeof(T)).Properties.Where(p => p.Get is not null)];
    }

    public string Header => string.Join(',', _columns.Select(c => Escape(c.Name)));

    public string Row(T record) => string.Join(',', _columns.Select(column => Cell(column.Get!(record!), column.PropertyType)));

    private string Cell(object? value, Type type)
    {
        if (value is null)
        {
            return "";
        }
        var element = JsonSerializer.SerializeToElement(value, type, _json);
        return element.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.String => Escape(CsvFormulas.Defuse(element.GetString()!)),
            JsonValueKind.Object or JsonValueKind.Array => Escape(element.GetRawText()),
            _ => element.GetRawText(),
        };
    }

    private static string Escape(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") < 0 ? text : new StringBuilder(text.Length + 2).Append('"').Append(text.Replace("\"", "\"\"")).Append('"').ToString();
}
