using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Crm.Api.Infrastructure.Patching;

/// <summary>
/// RFC 7396 JSON merge patch applied to a resource's update DTO: members of the patch replace the DTO's, null clears
/// one, objects merge recursively. Stricter than the RFC where a typed DTO needs it: unknown members, null for a
/// non-nullable member and values of the wrong JSON type are errors, keyed by their path ("address.city"). Members
/// typed as free JSON (<see cref="JsonObject"/>, <see cref="JsonNode"/>, <see cref="JsonElement"/> or a dictionary,
/// e.g. jsonb custom fields) merge by the RFC alone.
/// </summary>
public static class MergePatch
{
    /// <summary>The patched DTO, or the errors (by member path) that stopped it.</summary>
    public static MergePatchResult<T> Apply<T>(T current, string patchJson, JsonSerializerOptions options)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchJson, documentOptions: new JsonDocumentOptions { MaxDepth = 32, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return MergePatchResult<T>.Invalid("body", $"The body is not valid JSON: {e.Message}");
        }
        return Apply(current, patch, options);
    }

    public static MergePatchResult<T> Apply<T>(T current, JsonNode? patch, JsonSerializerOptions options)
    {
        if (patch is not JsonObject patchObject)
        {
            return MergePatchResult<T>.Invalid("body", "A merge patch must be a JSON object.");
        }
        options.MakeReadOnly(populateMissingResolver: true);
        var target = JsonSerializer.SerializeToNode(current, options) as JsonObject
            ?? throw new InvalidOperationException($"{typeof(T).Name} does not serialize to a JSON object.");
        var errors = new Dictionary<string, string[]>();
        foreach (var path in PathsWithNul(patchObject, ""))
        {
            errors[path.Length > 0 ? path : "body"] = ["Text must not contain the NUL character (U+0000), which the database cannot store."];
        }
        if (errors.Count > 0)
        {
            return new MergePatchResult<T>(default, errors);
        }
        MergeTyped(target, patchObject, options.GetTypeInfo(typeof(T)), "", errors, options);
        if (errors.Count > 0)
        {
            return new MergePatchResult<T>(default, errors);
        }
        try
        {
            return new MergePatchResult<T>(target.Deserialize<T>(options), null);
        }
        catch (JsonException e)
        {
            // Checked member by member above, so this is a rule of the DTO itself (e.g. a required member).
            return MergePatchResult<T>.Invalid(Path(e.Path) is { Length: > 0 } path ? path : "body", e.Message);
        }
    }

    /// <summary>Where a string (a value or a member name) contains U+0000, which PostgreSQL text and jsonb reject.</summary>
    private static IEnumerable<string> PathsWithNul(JsonNode? node, string path) => node switch
    {
        JsonObject obj => obj.SelectMany(member => member.Key.Contains('\0', StringComparison.Ordinal)
            ? [Join(path, member.Key.Replace("\0", string.Empty, StringComparison.Ordinal))]
            : PathsWithNul(member.Value, Join(path, member.Key))),
        JsonArray array => array.SelectMany((item, index) => PathsWithNul(item, $"{path}[{index}]")),
        JsonValue value when value.TryGetValue<string>(out var text) && text.Contains('\0', StringComparison.Ordinal) => [path],
        _ => [],
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>RFC 7396 MergePatch(target, patch) for free JSON: no schema, no errors.</summary>
    public static JsonNode? MergeUntyped(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target as JsonObject ?? [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                var merged = MergeUntyped(result[name]?.DeepClone(), value);
                result[name] = merged;
            }
        }
        return result;
    }

    private static void MergeTyped(
        JsonObject target, JsonObject patch, JsonTypeInfo typeInfo, string prefix, Dictionary<string, string[]> errors, JsonSerializerOptions options)
    {
        var properties = typeInfo.Properties.Where(p => p.Set is not null || p.AssociatedParameter is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
        var unknown = patch.Select(p => p.Key).Where(name => !properties.ContainsKey(name)).ToList();
        foreach (var name in unknown)
        {
            errors[prefix + name] = [$"'{prefix + name}' is not a field of this resource; fields: {string.Join(", ", properties.Keys)}."];
        }
        foreach (var (name, value) in patch)
        {
            if (!properties.TryGetValue(name, out var property))
            {
                continue;
            }
            var path = prefix + name;
            if (value is null)
            {
                if (IsNullable(property))
                {
                    target[name] = null;
                }
                else
                {
                    errors[path] = [$"'{path}' cannot be null."];
                }
                continue;
            }
            var propertyInfo = options.GetTypeInfo(property.PropertyType);
            if (IsFreeJson(property.PropertyType, propertyInfo))
            {
                target[name] = MergeUntyped(target[name]?.DeepClone(), value);
            }
            else if (propertyInfo.Kind == JsonTypeInfoKind.Object && value is JsonObject nestedPatch && target[name] is JsonObject nestedTarget)
            {
                MergeTyped(nestedTarget, nestedPatch, propertyInfo, path + ".", errors, options);
            }
            else if (propertyInfo.Kind == JsonTypeInfoKind.Object && value is JsonObject newPatch && propertyInfo.CreateObject is { } create)
            {
                // An object given for a member that is null merges onto the member type's defaults, so a bad nested
                // value is named ("recurrenceRule.frequency"), not the whole object.
                var created = (JsonObject)JsonSerializer.SerializeToNode(create(), property.PropertyType, options)!;
                MergeTyped(created, newPatch, propertyInfo, path + ".", errors, options);
                target[name] = created;
            }
            else if (TryConvert(value, property.PropertyType, options))
            {
                target[name] = value.DeepClone();
            }
            else
            {
                errors[path] = [$"'{path}' must be {Describe(property.PropertyType, propertyInfo)}."];
            }
        }
    }

    private static bool TryConvert(JsonNode value, Type type, JsonSerializerOptions options)
    {
        try
        {
            value.Deserialize(type, options);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    private static bool IsFreeJson(Type type, JsonTypeInfo info) =>
        typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement) || type == typeof(JsonElement?) ||
        info.Kind == JsonTypeInfoKind.Dictionary;

    /// <summary>Value types unless Nullable&lt;T&gt;; reference types by their nullable annotation (string? yes, string no).</summary>
    private static bool IsNullable(JsonPropertyInfo property)
    {
        if (property.PropertyType.IsValueType)
        {
            return Nullable.GetUnderlyingType(property.PropertyType) is not null;
        }
        var context = new NullabilityInfoContext();
        var state = property.AttributeProvider switch
        {
            PropertyInfo p => context.Create(p).WriteState,
            FieldInfo f => context.Create(f).WriteState,
            _ => NullabilityState.Unknown,
        };
        if (property.AssociatedParameter is { } parameter && state == NullabilityState.Unknown)
        {
            return parameter.IsNullable;
        }
        return state != NullabilityState.NotNull;
    }

    private static string Describe(Type type, JsonTypeInfo info)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
            _ when type == typeof(decimal) || type == typeof(double) || type == typeof(float) => "a number",
            _ when type == typeof(Guid) => "a UUID string",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "an ISO 8601 date-time string",
            _ when type == typeof(DateOnly) => "an ISO 8601 date string (yyyy-MM-dd)",
            { IsEnum: true } => "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => JsonNamingPolicy.SnakeCaseLower.ConvertName(n))),
            _ => info.Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary => "an object",
                _ => $"a {type.Name}",
            },
        };
    }

    /// <summary>"$.address.city" → "address.city".</summary>
    private static string Path(string? jsonPath) => jsonPath is null ? "" : jsonPath.TrimStart('$').TrimStart('.');
}

/// <summary>Either <see cref="Value"/> (the patched DTO) or <see cref="Errors"/> (answer 400 with them).</summary>
public sealed record MergePatchResult<T>(T? Value, IDictionary<string, string[]>? Errors)
{
    public bool IsValid => Errors is null;

    internal static MergePatchResult<T> Invalid(string key, string message) => new(default, new Dictionary<string, string[]> { [key] = [message] });
}
