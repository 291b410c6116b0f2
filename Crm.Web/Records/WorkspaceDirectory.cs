using System.Text.Json.Nodes;
using Crm.Web.Api;
using Crm.Web.Components.Shared;

namespace Crm.Web.Records;

/// <summary>A workspace member as the API lists them (<c>GET /api/v1/members</c>).</summary>
public sealed record Member(Guid UserId, string Email, string? FirstName, string? LastName, string Role, string RecordScope, string Status)
{
    public string DisplayName => $"{FirstName} {LastName}".Trim() is { Length: > 0 } name ? name : Email;
}

/// <summary>A pipeline stage (<c>GET /api/v1/pipelines/{id}/stages</c>).</summary>
public sealed record Stage(Guid Id, Guid PipelineId, string Name, int Position, string Kind, decimal? DefaultProbability, int? WipLimit, int? RottingDays, string? Color);

/// <summary>A pipeline with its stages in order.</summary>
public sealed record Pipeline(Guid Id, string Name, bool IsDefault, bool IsActive, int? RottingDays, string Currency)
{
    public List<Stage> Stages { get; init; } = [];
}

/// <summary>A custom field definition (<c>GET /api/v1/custom-fields</c>).</summary>
public sealed record CustomField(Guid Id, string ObjectType, string Key, string Label, string FieldType, bool Required, bool IsActive, int Position, JsonArray? Options, string? HelpText)
{
    /// <summary>The field as <see cref="FieldEditor"/> and lists take it; its value lives in the record's <c>customFields.{Key}</c>.</summary>
    public FieldDefinition ToDefinition() => new(Key, Label, FieldType switch
    {
        "textarea" => FieldKind.LongText,
        "url" => FieldKind.Url,
        "email" => FieldKind.Email,
        "phone" => FieldKind.Phone,
        "number" => FieldKind.Number,
        "percent" => FieldKind.Percent,
        "currency" => FieldKind.Number,
        "date" => FieldKind.Date,
        "datetime" => FieldKind.DateTime,
        "boolean" => FieldKind.Boolean,
        "select" => FieldKind.Choice,
        _ => FieldKind.Text,
    }, Choices: Options?.Select(o => o?["value"]?.GetValue<string>() ?? "").ToArray());

    /// <summary>Option labels by value, for select fields.</summary>
    public IReadOnlyDictionary<string, string> ChoiceLabels() =>
        (Options ?? []).Where(o => o?["value"] is not null)
            .ToDictionary(o => o!["value"]!.GetValue<string>(), o => o!["label"]?.GetValue<string>() ?? o!["value"]!.GetValue<string>());
}

/// <summary>A tag (<c>GET /api/v1/tags</c>).</summary>
public sealed record Tag(Guid Id, string Name, string Color);

/// <summary>
/// The workspace's slowly changing lists (members, pipelines and stages, custom fields, tags), read once per circuit
/// and shared by its pages: owner names in lists, stage names on deals, custom fields on forms.
/// <see cref="Invalidate"/> after changing one of them.
/// </summary>
public sealed class WorkspaceDirectory(CrmApi api)
{
    private Task<List<Member>>? _members;
    private Task<List<Pipeline>>? _pipelines;
    private Task<List<CustomField>>? _customFields;
    private Task<List<Tag>>? _tags;

    public Task<List<Member>> MembersAsync() =>
        Shared(_members ??= api.GetAllAsync<Member>("api/v1/members?sort=firstName,lastName"), () => _members = null);

    public Task<List<Tag>> TagsAsync() => Shared(_tags ??= api.GetAllAsync<Tag>("api/v1/tags?sort=name"), () => _tags = null);

    public async Task<List<CustomField>> CustomFieldsAsync(string objectType) =>
        (await Shared(_customFields ??= api.GetAllAsync<CustomField>("api/v1/custom-fields?filter[isActive]=true&sort=position,key"), () => _customFields = null))
        .Where(f => f.ObjectType == objectType).ToList();

    public Task<List<Pipeline>> PipelinesAsync() => Shared(_pipelines ??= LoadPipelinesAsync(), () => _pipelines = null);

    public async Task<Stage?> StageAsync(Guid stageId) =>
        (await PipelinesAsync()).SelectMany(p => p.Stages).FirstOrDefault(s => s.Id == stageId);

    public async Task<string?> MemberNameAsync(Guid? userId) =>
        userId is null ? null : (await MembersAsync()).FirstOrDefault(m => m.UserId == userId)?.DisplayName;

    public void Invalidate()
    {
        _members = null;
        _pipelines = null;
        _customFields = null;
        _tags = null;
    }

    /// <summary>One load shared by every caller; a load that failed is forgotten, so that the next caller tries again.</summary>
    private static async Task<T> Shared<T>(Task<T> load, Action forget)
    {
        try
        {
            return await load;
        }
        catch
        {
            forget();
            throw;
        }
    }

    private async Task<List<Pipeline>> LoadPipelinesAsync()
    {
        var pipelines = await api.GetAllAsync<Pipeline>("api/v1/pipelines");
        var withStages = new List<Pipeline>();
        foreach (var pipeline in pipelines)
        {
            var stages = await api.GetAsync<Page<Stage>>($"api/v1/pipelines/{pipeline.Id}/stages");
            withStages.Add(pipeline with { Stages = stages.Data.OrderBy(s => s.Position).ToList() });
        }
        return withStages;
    }
}
