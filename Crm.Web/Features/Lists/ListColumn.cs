using System.Text.Json.Nodes;
using Crm.Web.Api;
using Crm.Web.Records;

namespace Crm.Web.Features.Lists;

/// <summary>A column a list can show: a built-in field, a custom field (<c>customFields.{key}</c>) or the record's tags.</summary>
public sealed record ListColumn(string Key, string Label, FieldDefinition? Field, bool Sortable, IReadOnlyDictionary<string, string>? ChoiceLabels = null)
{
    public const string TagsKey = "tags";

    public bool IsCustom => Key.StartsWith("customFields.", StringComparison.Ordinal);

    public bool IsNumeric => Field?.Kind is FieldKind.Number or FieldKind.Money or FieldKind.Percent;

    /// <summary>The fields that make up the title column (always shown, linking to the record), so not offered again.</summary>
    public static IReadOnlySet<string> TitleKeys(RecordType type) =>
        type.Plural is "contacts" or "leads" ? new HashSet<string> { "firstName", "lastName" } : new HashSet<string> { "name" };

    /// <summary>The sort of the title column: by name, or by last name for people.</summary>
    public static string TitleSort(RecordType type) => type.Plural is "contacts" or "leads" ? "lastName" : "name";

    /// <summary>Every column the type offers, built-in fields first, then tags, then the workspace's active custom fields.</summary>
    public static List<ListColumn> All(RecordType type, IEnumerable<CustomField> customFields)
    {
        var titleKeys = TitleKeys(type);
        var columns = type.Fields.Where(f => !titleKeys.Contains(f.Key))
            .Select(f => new ListColumn(f.Key, f.Label, f, f.Sortable)).ToList();
        columns.Add(new ListColumn(TagsKey, "Tags", null, false));
        columns.AddRange(customFields.Select(c => new ListColumn($"customFields.{c.Key}", c.Label, c.ToDefinition(), false, c.ChoiceLabels())));
        return columns;
    }

    public static List<string> Defaults(RecordType type) =>
        [.. type.Fields.Where(f => f.DefaultColumn && !TitleKeys(type).Contains(f.Key)).Select(f => f.Key), TagsKey];

    /// <summary>The column's value in a record (custom fields live in <c>customFields</c>).</summary>
    public JsonNode? ValueOf(JsonObject record) =>
        IsCustom ? (record["customFields"] as JsonObject)?[Key["customFields.".Length..]] : record[Key];
}

/// <summary>Names for the ids a page of records holds (owners, companies, contacts, stages), read once per page.</summary>
public sealed class ListNames
{
    public Dictionary<Guid, string> Members { get; } = [];

    public Dictionary<Guid, string> Companies { get; private set; } = [];

    public Dictionary<Guid, string> Contacts { get; private set; } = [];

    public Dictionary<Guid, string> Stages { get; } = [];

    public Dictionary<Guid, string> Pipelines { get; } = [];

    public string? NameOf(FieldKind kind, Guid id) => kind switch
    {
        FieldKind.Member => Members.GetValueOrDefault(id),
        FieldKind.Company => Companies.GetValueOrDefault(id),
        FieldKind.Contact => Contacts.GetValueOrDefault(id),
        FieldKind.Stage => Stages.GetValueOrDefault(id),
        FieldKind.Pipeline => Pipelines.GetValueOrDefault(id),
        _ => null,
    };

    /// <summary>Resolves the references the shown columns need: one list request per referenced type, not one per row.</summary>
    public static async Task<ListNames> LoadAsync(CrmApi api, WorkspaceDirectory directory, IReadOnlyList<JsonObject> records,
        IEnumerable<ListColumn> columns, CancellationToken cancellationToken)
    {
        var names = new ListNames();
        var kinds = columns.Select(c => c.Field?.Kind).ToHashSet();
        foreach (var member in await directory.MembersAsync())
        {
            names.Members[member.UserId] = member.DisplayName;
        }
        if (kinds.Contains(FieldKind.Stage) || kinds.Contains(FieldKind.Pipeline))
        {
            foreach (var pipeline in await directory.PipelinesAsync())
            {
                names.Pipelines[pipeline.Id] = pipeline.Name;
                foreach (var stage in pipeline.Stages)
                {
                    names.Stages[stage.Id] = stage.Name;
                }
            }
        }
        names.Companies = await api.TitlesAsync(RecordType.Companies, ReferencedIds(records, columns, FieldKind.Company), cancellationToken);
        names.Contacts = await api.TitlesAsync(RecordType.Contacts, ReferencedIds(records, columns, FieldKind.Contact), cancellationToken);
        return names;
    }

    private static List<Guid> ReferencedIds(IReadOnlyList<JsonObject> records, IEnumerable<ListColumn> columns, FieldKind kind) =>
        columns.Where(c => c.Field?.Kind == kind && !c.IsCustom)
            .SelectMany(c => records.Select(r => Format.Id(r[c.Key])))
            .OfType<Guid>().Distinct().ToList();
}
