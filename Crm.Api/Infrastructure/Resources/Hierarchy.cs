namespace Crm.Api.Infrastructure.Resources;

/// <summary>
/// The parent checks of a workspace's hierarchies (teams, territories): the parent must be a live record of the
/// workspace that is neither the record itself nor below it. The database's crm_hierarchy_no_cycle trigger (migration
/// 0015) is the backstop for two concurrent changes.
/// </summary>
internal static class Hierarchy
{
    /// <summary>
    /// Fails <paramref name="field"/> of each item whose parent is not among <paramref name="parents"/> (every live
    /// record of the hierarchy, with its own parent) or is the item itself or below it. <paramref name="noun"/> names
    /// the record, singular and plural, in the messages.
    /// </summary>
    public static void CheckParents<TInput>(
        IReadOnlyList<(TInput Input, string Prefix, Guid Id)> items, Func<TInput, Guid?> parentOf, IReadOnlyDictionary<Guid, Guid?> parents,
        string field, (string Singular, string Plural) noun, Dictionary<string, string[]> errors)
    {
        foreach (var (input, prefix, id) in items)
        {
            if (parentOf(input) is not { } parentId)
            {
                continue;
            }
            if (!parents.ContainsKey(parentId))
            {
                errors[prefix + field] = [$"No such {noun.Singular}."];
            }
            else if (IsAtOrBelow(parentId, id, parents))
            {
                errors[prefix + field] = [$"A {noun.Singular} cannot be under itself or one of its own sub-{noun.Plural}."];
            }
        }
    }

    /// <summary>Whether walking up from <paramref name="start"/> meets <paramref name="recordId"/>.</summary>
    private static bool IsAtOrBelow(Guid start, Guid recordId, IReadOnlyDictionary<Guid, Guid?> parents)
    {
        var seen = new HashSet<Guid>();
        for (Guid? current = start; current is { } at && seen.Add(at); current = parents.GetValueOrDefault(at))
        {
            if (at == recordId)
            {
                return true;
            }
        }
        return false;
    }
}
