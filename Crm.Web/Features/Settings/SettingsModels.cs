using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Settings;

/// <summary>The editable part of <c>GET /api/v1/workspace</c>.</summary>
public sealed class WorkspaceForm
{
    public string Name { get; set; } = "";

    public string? Timezone { get; set; }

    public string? Currency { get; set; }

    public string? Locale { get; set; }
}

/// <summary>A built-in role and what it may do (<c>GET /api/v1/roles</c>).</summary>
public sealed record RoleInfo(string Role, string Name, string Description, List<string> Permissions);

public sealed record PermissionInfo(string Name, string Description);

public sealed record RolesAnswer(List<RoleInfo> Data, List<PermissionInfo> Permissions);

/// <summary>A pending invitation; <see cref="Token"/> only in the answer to its creation.</summary>
public sealed record Invitation(Guid Id, string Email, string Role, string RecordScope, Guid InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? Token);

/// <summary>An API key as listed; <see cref="Key"/> only in the answer to its creation.</summary>
public sealed record ApiKey(
    Guid Id, string Name, string Prefix, List<string> Scopes, string Role, Guid CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, string? Key);

/// <summary>A pipeline's editable fields, for its create and rename form.</summary>
public sealed class PipelineForm
{
    public string Name { get; set; } = "";

    public bool IsDefault { get; set; }

    public int? RottingDays { get; set; }
}

/// <summary>A stage's editable fields (<c>/api/v1/pipelines/{id}/stages</c>).</summary>
public sealed class StageForm
{
    public string Name { get; set; } = "";

    public string Kind { get; set; } = "open";

    /// <summary>0-100; the API requires one (blank is sent as 0).</summary>
    public decimal? DefaultProbability { get; set; } = 0;

    public int? WipLimit { get; set; }

    public int? RottingDays { get; set; }

    public string Color { get; set; } = "#808080";

    public static StageForm From(Stage stage) => new()
    {
        Name = stage.Name,
        Kind = stage.Kind,
        DefaultProbability = stage.DefaultProbability,
        WipLimit = stage.WipLimit,
        RottingDays = stage.RottingDays,
        Color = stage.Color ?? "#808080",
    };

    public object ToBody() => new { name = Name, kind = Kind, defaultProbability = DefaultProbability ?? 0, wipLimit = WipLimit, rottingDays = RottingDays, color = Color };
}

/// <summary>A custom field's form; options one per line as <c>value</c> or <c>value | Label</c>.</summary>
public sealed class CustomFieldForm
{
    public static readonly string[] FieldTypes =
        ["text", "textarea", "number", "currency", "percent", "date", "datetime", "boolean", "select", "multiselect", "url", "email", "phone"];

    public string Key { get; set; } = "";

    public string Label { get; set; } = "";

    public string FieldType { get; set; } = "text";

    public bool Required { get; set; }

    public bool IsActive { get; set; } = true;

    public string Options { get; set; } = "";

    public string? HelpText { get; set; }

    public bool HasOptions => FieldType is "select" or "multiselect";

    public static CustomFieldForm From(CustomField field) => new()
    {
        Key = field.Key,
        Label = field.Label,
        FieldType = field.FieldType,
        Required = field.Required,
        IsActive = field.IsActive,
        HelpText = field.HelpText,
        Options = string.Join('\n', (field.Options ?? []).Select(o =>
        {
            var value = o?["value"]?.GetValue<string>() ?? "";
            var label = o?["label"]?.GetValue<string>();
            return label is null || label == value ? value : $"{value} | {label}";
        })),
    };

    /// <summary>The options as the API takes them, or null for types without options.</summary>
    public JsonArray? OptionsJson()
    {
        if (!HasOptions)
        {
            return null;
        }
        var options = new JsonArray();
        foreach (var line in Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|', 2, StringSplitOptions.TrimEntries);
            options.Add(new JsonObject { ["value"] = parts[0], ["label"] = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : parts[0] });
        }
        return options;
    }
}

/// <summary>Values the API takes for members' roles and record scopes.</summary>
public static class MemberChoices
{
    public static readonly string[] Roles = ["owner", "admin", "manager", "sales_rep", "support_agent", "viewer"];

    public static readonly string[] Scopes = ["all", "team", "own"];

    public static readonly string[] ObjectTypes = ["contact", "company", "deal", "lead"];
}
