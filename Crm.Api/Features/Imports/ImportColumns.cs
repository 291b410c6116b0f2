using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Export;

namespace Crm.Api.Features.Imports;

/// <summary>A cell that filled a field: its column (CSV header) and text, for the error report.</summary>
internal sealed record ImportCell(string Column, string Text);

/// <summary>A record's cells as the JSON input of the resource, and the cell behind each field.</summary>
internal sealed record ImportRowValues(JsonObject Values, IReadOnlyDictionary<string, ImportCell> Cells);

/// <summary>
/// The columns of an import's file and the API field each fills, or none (null): a header the mapping names goes to
/// the field it gives (null or "" leaves the column out); any other header goes to the field of the same name, case
/// aside, if there is one. So a file exported by <c>GET /api/v1/{resource}/export</c> imports without a mapping (its
/// id and timestamp columns, which no input has, are left out).
/// </summary>
internal sealed class ImportColumns
{
    private ImportColumns(IReadOnlyList<string> headers, IReadOnlyList<string?> fields)
    {
        Headers = headers;
        Fields = fields;
    }

    public IReadOnlyList<string> Headers { get; }

    /// <summary>The field of each column, in the order of <see cref="Headers"/>.</summary>
    public IReadOnlyList<string?> Fields { get; }

    /// <summary>
    /// The columns of a file with <paramref name="header"/> under the mapping a client asked for; null with
    /// <paramref name="errors"/> (keyed "mapping.{header}" or "file") when the file or the mapping does not fit.
    /// </summary>
    public static ImportColumns? Resolve(
        IReadOnlyList<string> header, JsonObject? requested, ImportFields fields, string objectType, Dictionary<string, string[]> errors)
    {
        var headers = header.Select(h => h.Trim()).ToList();
        foreach (var repeated in headers.Where(h => h.Length > 0).GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors["file"] = [$"The header names the column '{repeated.Key}' more than once; give each column its own name."];
        }
        requested ??= [];
        foreach (var (column, target) in requested)
        {
            if (column.Length == 0 || !headers.Contains(column, StringComparer.Ordinal))
            {
                errors[$"mapping.{column}"] = [$"The file has no column '{column}'; its columns: {string.Join(", ", headers)}."];
            }
            else if (target is not null && (target.GetValueKind() != JsonValueKind.String ||
                                            (target.GetValue<string>().Length > 0 && fields.Find(target.GetValue<string>()) is null)))
            {
                errors[$"mapping.{column}"] = [$"{target.ToJsonString()} is not a field of {objectType}; fields: {string.Join(", ", fields.Names)}."];
            }
        }
        if (errors.Count > 0)
        {
            return null;
        }

        string? TargetOf(string column)
        {
            if (requested.TryGetPropertyValue(column, out var target))
            {
                return target?.GetValue<string>() is { Length: > 0 } name ? fields.Find(name) : null;
            }
            return column.Length > 0 ? fields.Find(column) : null;
        }

        var targets = headers.Select(TargetOf).ToList();
        foreach (var shared in targets.Select((field, i) => (field, header: headers[i])).Where(t => t.field is not null)
                     .GroupBy(t => t.field).Where(g => g.Count() > 1))
        {
            errors["mapping"] = [$"The columns {string.Join(" and ", shared.Select(t => $"'{t.header}'"))} both fill {shared.Key}; map one of them to null."];
        }
        if (targets.All(t => t is null))
        {
            errors["mapping"] = [$"No column of the file fills a field of {objectType}: name the columns after the fields ({string.Join(", ", fields.Names)}) or map them."];
        }
        return errors.Count > 0 ? null : new ImportColumns(headers, targets);
    }

    /// <summary>The columns of a job's file under the mapping the job stored (<see cref="ToJson"/>).</summary>
    public static ImportColumns FromJob(IReadOnlyList<string> header, JsonObject mapping)
    {
        var headers = header.Select(h => h.Trim()).ToList();
        return new ImportColumns(headers, [.. headers.Select(h => mapping[h]?.GetValue<string>())]);
    }

    /// <summary>The mapping as applied, <c>{"CSV header": "apiField" or null}</c>, as the job keeps it.</summary>
    public JsonObject ToJson()
    {
        var mapping = new JsonObject();
        for (var i = 0; i < Headers.Count; i++)
        {
            if (Headers[i].Length > 0)
            {
                mapping[Headers[i]] = Fields[i];
            }
        }
        return mapping;
    }

    /// <summary>
    /// A record's cells as the resource's input (only the mapped, non-blank cells: a blank cell leaves the field at
    /// its default on create and as it was on update), with the export's formula apostrophes taken off.
    /// </summary>
    public ImportRowValues Read(IReadOnlyList<string> cells, ImportFields fields)
    {
        var values = new JsonObject();
        var sources = new Dictionary<string, ImportCell>(StringComparer.Ordinal);
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i] is not { } field || string.IsNullOrWhiteSpace(cells[i]))
            {
                continue;
            }
            var text = CsvFormulas.Restore(cells[i]);
            values[field] = fields.ToJson(field, text);
            sources[field] = new ImportCell(Headers[i], text);
        }
        return new ImportRowValues(values, sources);
    }
}
