using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Domain.Persistence;

/// <summary>
/// JSON for an enum as the same lower_snake text the database stores (DESIGN.md section 6): put on the enum type
/// (<c>[JsonConverter(typeof(LowerSnakeJsonEnumConverter&lt;CompanyType&gt;))]</c>) so every service and every
/// serializer options agree, whatever they configure. Numbers are refused: they would bypass the CHECK's names.
/// </summary>
public sealed class LowerSnakeJsonEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
