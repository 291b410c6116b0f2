using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Domain.Persistence;

/// <summary>
/// JSON for an enum as the same lower_snake text the database stores (DESIGN.md section 6): put on the enum type
/// (<c>[JsonConverter(typeof(LowerSnakeJsonEnumConverter&lt;CompanyType&gt;))]</c>) so every service and every
/// serializer options agree, whatever they configure. Strict: only the exact names are read — no numbers and no
/// comma-separated combinations (which System.Text.Json's own converter accepts, and which no CHECK allows).
/// </summary>
public sealed class LowerSnakeJsonEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> Names =
        Enum.GetValues<TEnum>().ToFrozenDictionary(value => value, value => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()));

    private static readonly FrozenDictionary<string, TEnum> Values =
        Names.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && Values.TryGetValue(name, out var value)
            ? value
            : throw new JsonException($"Expected one of: {string.Join(", ", Values.Keys)}.");

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(Names.TryGetValue(value, out var name) ? name : throw new JsonException($"{value} is not a {typeof(TEnum).Name}."));
    }
}
