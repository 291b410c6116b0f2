using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.Listing;
using Crm.Domain.SavedViews;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.SavedViews;

/// <summary>
/// Checks a <see cref="SavedViewInput"/> and normalizes it: its shape here (filters, columns, visibility), its list
/// query against the object type's listing in <see cref="SavedViewReferences"/>.
/// </summary>
internal static partial class SavedViewValidator
{
    public const int MaxColumns = 100;

    public static SavedViewInput Validate(SavedViewInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            Q = Clean(input.Q),
            Sort = Clean(input.Sort),
            Filters = SavedViewQuery.Normalize(input.Filters, Fail),
            Columns = [.. input.Columns.Select(c => c.Trim())],
        };
        if (normalized.Name is null)
        {
            Fail("name", "Give the view a name.");
        }
        if (normalized.ObjectType is not { } objectType)
        {
            Fail("objectType", "Give the object type the view lists.");
        }
        else if (!ObjectTypes.All.TryGetValue(objectType, out var entry))
        {
            Fail("objectType", ObjectTypes.NotServed(objectType));
        }
        else
        {
            CheckColumns(entry, normalized.Columns, Fail);
        }
        if ((normalized.Visibility == ViewVisibility.Team) != (normalized.TeamId is not null))
        {
            Fail("teamId", normalized.Visibility == ViewVisibility.Team
                ? "A view of visibility team names the team that sees it."
                : "Only a view of visibility team names a team.");
        }
        CheckLengths([("name", normalized.Name, 255), ("q", normalized.Q, ListingSchema<object>.MaxQLength), ("sort", normalized.Sort, 255)], Fail);
        return normalized;
    }

    private static void CheckColumns(ObjectTypeEntry entry, IReadOnlyList<string> columns, Action<string, string> fail)
    {
        if (columns.Count > MaxColumns)
        {
            fail("columns", $"At most {MaxColumns} columns.");
            return;
        }
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (columns.Take(i).Contains(column, StringComparer.Ordinal))
            {
                fail($"columns[{i}]", $"'{column}' is given twice.");
            }
            else if (!entry.Fields.Contains(column) && !CustomFieldColumn().IsMatch(column))
            {
                fail($"columns[{i}]", $"'{column}' is not a field of {entry.Plural}; use one of: {string.Join(", ", entry.Fields.Order(StringComparer.Ordinal))}, or customFields.{{key}}.");
            }
        }
    }

    [GeneratedRegex("^customFields\\.[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex CustomFieldColumn();
}
