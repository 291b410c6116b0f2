using Crm.Api.Infrastructure.Resources;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.CustomFields;

/// <summary>
/// What a definition's input is checked against in the database: a change may not move it to another object type,
/// key or field type, since records hold their values under the key, stored as the type stores them.
/// </summary>
internal static class CustomFieldReferences
{
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(CustomFieldInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var ids = items.Select(i => i.Id).ToList();
        var existing = await services.Db.CustomFieldDefinitions.AsNoTracking().Where(d => ids.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        foreach (var (input, prefix, id) in items)
        {
            if (!existing.TryGetValue(id, out var current))
            {
                continue;
            }
            foreach (var (field, changed) in new[]
                     {
                         ("objectType", input.ObjectType != current.ObjectType),
                         ("key", input.Key != current.Key),
                         ("fieldType", input.FieldType != current.FieldType),
                     })
            {
                if (changed)
                {
                    errors[prefix + field] = [$"{field} cannot change once the field exists (records hold values under it); create another field instead."];
                }
            }
        }
    }
}
