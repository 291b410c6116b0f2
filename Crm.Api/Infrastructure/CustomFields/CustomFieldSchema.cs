using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.CustomFields;
using Crm.Domain.Records;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.CustomFields;

/// <summary>
/// The live custom field definitions of one object type in the caller's workspace, loaded once per request, and the
/// check of records' <c>customFields</c> against them (docs/api.md, "Custom fields"):
/// <list type="bullet">
/// <item>a key with no definition, or an inactive one, is refused;</item>
/// <item>a value of the wrong type, not an option, out of range or not matching the pattern is refused; a valid one is
/// stored normalized (<see cref="CustomFieldValues"/>), a blank one is removed;</item>
/// <item>a required field must have a value on create, and a change may not remove the value it has;</item>
/// <item>on a change, values it leaves as they were are kept as they are, unchecked: a definition made inactive,
/// deleted or stricter does not make unrelated changes of old records fail.</item>
/// </list>
/// Errors are keyed <c>customFields.{key}</c>, after the batch prefix (<c>items[3].customFields.tier</c>).
/// </summary>
public sealed class CustomFieldSchema
{
    private readonly Dictionary<string, Field> _fields;
    private readonly string _plural;

    private CustomFieldSchema(Dictionary<string, Field> fields, string plural)
    {
        _fields = fields;
        _plural = plural;
    }

    public static async Task<CustomFieldSchema> LoadAsync(CrmDbContext db, ObjectType objectType, string plural, CancellationToken cancellationToken)
    {
        var definitions = await db.CustomFieldDefinitions.AsNoTracking()
            .Where(ResourceRecords.IsLive<CustomFieldDefinition>())
            .Where(d => d.ObjectType == objectType)
            .ToListAsync(cancellationToken);
        return new CustomFieldSchema(definitions.ToDictionary(d => d.Key, Field.From, StringComparer.Ordinal), plural);
    }

    /// <summary>Checks <paramref name="values"/> and normalizes them in place; <paramref name="before"/> is null on create.</summary>
    public void Check(JsonObject values, JsonObject? before, Dictionary<string, string[]> errors, string prefix)
    {
        void Fail(string key, string message) => errors[$"{prefix}customFields.{key}"] = [message];

        foreach (var (key, value) in values.ToList())
        {
            if (value is null)
            {
                values.Remove(key);
                continue;
            }
            if (before is not null && before.TryGetPropertyValue(key, out var was) && JsonNode.DeepEquals(was, value))
            {
                continue;
            }
            if (!_fields.TryGetValue(key, out var field))
            {
                var active = string.Join(", ", _fields.Values.Where(f => f.Definition.IsActive).Select(f => f.Definition.Key).Order(StringComparer.Ordinal));
                Fail(key, $"'{key}' is not a custom field of {_plural}; fields: {(active.Length == 0 ? "(none)" : active)}.");
                continue;
            }
            if (!field.Definition.IsActive)
            {
                Fail(key, $"'{key}' is no longer active: it takes no new values (null removes the old one).");
                continue;
            }
            if (field.TryRead(value, out var stored, out var error))
            {
                if (stored is null)
                {
                    values.Remove(key);
                }
                else
                {
                    values[key] = stored;
                }
            }
            else
            {
                Fail(key, $"{field.Definition.Label}: {error}");
            }
        }

        foreach (var field in _fields.Values.Where(f => f.Definition is { IsActive: true, IsRequired: true }))
        {
            var key = field.Definition.Key;
            if (values[key] is not null || errors.ContainsKey($"{prefix}customFields.{key}"))
            {
                continue;
            }
            if (before is null)
            {
                Fail(key, $"{field.Definition.Label} is required.");
            }
            else if (before[key] is not null)
            {
                Fail(key, $"{field.Definition.Label} is required: it cannot be removed.");
            }
        }
    }

    /// <summary>A definition with its options and rules read, ready to check values.</summary>
    private sealed class Field
    {
        public required CustomFieldDefinition Definition { get; init; }

        public IReadOnlyList<CustomFieldOption> Options { get; init; } = [];

        public IComparable? Min { get; init; }

        public IComparable? Max { get; init; }

        public int? MinLength { get; init; }

        public int? MaxLength { get; init; }

        public Regex? Pattern { get; init; }

        public string? PatternText { get; init; }

        public static Field From(CustomFieldDefinition definition)
        {
            var rules = JsonSerializer.Deserialize<CustomFieldRules>(definition.ValidationRules, JsonSerializerOptions.Web) ?? new CustomFieldRules();
            Regex? pattern = null;
            if (rules.Pattern is { } text)
            {
                CustomFieldValues.TryCompile(text, out pattern, out _);
            }
            return new Field
            {
                Definition = definition,
                Options = definition.Options is null ? [] : JsonSerializer.Deserialize<List<CustomFieldOption>>(definition.Options, JsonSerializerOptions.Web) ?? [],
                Min = Ordinal(definition.FieldType, rules.Min),
                Max = Ordinal(definition.FieldType, rules.Max),
                MinLength = rules.MinLength,
                MaxLength = rules.MaxLength,
                Pattern = pattern,
                PatternText = rules.Pattern,
            };
        }

        /// <summary>The value to store (null: none), or the reason it is not valid.</summary>
        public bool TryRead(JsonNode value, out JsonNode? stored, out string error)
        {
            stored = null;
            error = string.Empty;
            switch (Definition.FieldType)
            {
                case CustomFieldType.Select:
                    if (value.GetValueKind() != JsonValueKind.String)
                    {
                        error = $"Must be one of: {OptionList()}.";
                        return false;
                    }
                    var text = value.GetValue<string>().Trim();
                    if (text.Length == 0)
                    {
                        return true;
                    }
                    if (Option(text) is not { } option)
                    {
                        error = $"'{text}' is not one of: {OptionList()}.";
                        return false;
                    }
                    stored = JsonValue.Create(option);
                    return true;
                case CustomFieldType.Multiselect:
                    return TryReadChoices(value, out stored, out error);
            }

            if (!CustomFieldValues.TryRead(Definition.FieldType, value, out stored, out var ordinal, out error))
            {
                return false;
            }
            if (ordinal is not null && Min is not null && ordinal.CompareTo(Min) < 0)
            {
                error = $"Must be at least {Bound(Min)}.";
                return false;
            }
            if (ordinal is not null && Max is not null && ordinal.CompareTo(Max) > 0)
            {
                error = $"Must be at most {Bound(Max)}.";
                return false;
            }
            if (stored is not null && CustomFieldValues.IsText(Definition.FieldType))
            {
                var text = stored.GetValue<string>();
                if (text.Length < MinLength)
                {
                    error = $"At least {MinLength} characters.";
                    return false;
                }
                if (text.Length > MaxLength)
                {
                    error = $"At most {MaxLength} characters.";
                    return false;
                }
                if (Pattern is not null && !Pattern.IsMatch(text))
                {
                    error = $"Must match the pattern {PatternText}.";
                    return false;
                }
            }
            return true;
        }

        /// <summary>A multiselect value: an array of distinct options, stored in the order given; empty is no value.</summary>
        private bool TryReadChoices(JsonNode value, out JsonNode? stored, out string error)
        {
            stored = null;
            error = string.Empty;
            if (value is not JsonArray items || items.Any(i => i?.GetValueKind() != JsonValueKind.String))
            {
                error = $"Must be an array of: {OptionList()}.";
                return false;
            }
            var chosen = new List<string>();
            foreach (var item in items)
            {
                var text = item!.GetValue<string>().Trim();
                if (Option(text) is not { } option)
                {
                    error = $"'{text}' is not one of: {OptionList()}.";
                    return false;
                }
                if (chosen.Contains(option))
                {
                    error = $"'{option}' is given twice.";
                    return false;
                }
                chosen.Add(option);
            }
            stored = chosen.Count == 0 ? null : new JsonArray([.. chosen.Select(c => JsonValue.Create(c))]);
            return true;
        }

        /// <summary>The option a value names, in the option's own case.</summary>
        private string? Option(string text) =>
            Options.FirstOrDefault(o => string.Equals(o.Value, text, StringComparison.OrdinalIgnoreCase))?.Value;

        private string OptionList() => string.Join(", ", Options.Select(o => o.Value));

        private static string Bound(IComparable bound) => bound switch
        {
            DateOnly date => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset at => at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => bound.ToString() ?? string.Empty,
        };

        private static IComparable? Ordinal(CustomFieldType type, JsonNode? bound) =>
            bound is not null && CustomFieldValues.IsOrdered(type) && CustomFieldValues.TryRead(type, bound, out _, out var ordinal, out _) ? ordinal : null;
    }
}
