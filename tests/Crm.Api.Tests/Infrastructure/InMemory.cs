using Crm.Domain.Tenancy;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>What the database should answer, computed with LINQ to objects.</summary>
internal static class InMemory
{
    private static readonly DateTimeOffset Epoch = ListingDatabase.Epoch;

    private static readonly Dictionary<string, Func<Team, bool>> Filters = new()
    {
        ["?filter[name]=team0042"] = t => t.Name == "team0042",
        ["?filter[name][ne]=team0042"] = t => t.Name != "team0042",
        ["?filter[description][ne]=desc03"] = t => t.Description != "desc03",
        ["?filter[description][isNull]=true"] = t => t.Description is null,
        ["?filter[description][isNull]=false"] = t => t.Description is not null,
        ["?filter[description][in]=desc01,desc02,desc19"] = t => t.Description is "desc01" or "desc02" or "desc19",
        ["?filter[createdAt][gte]=2025-01-01T00:10:00Z&filter[createdAt][lt]=2025-01-01T00:20:00Z"] =
            t => t.CreatedAt >= Epoch.AddMinutes(10) && t.CreatedAt < Epoch.AddMinutes(20),
        ["?filter[createdAt][gt]=2025-01-01T01:10:00%2B01:00"] = t => t.CreatedAt > Epoch.AddMinutes(10),
        ["?filter[createdAt][lte]=2025-01-01T00:05:00Z"] = t => t.CreatedAt <= Epoch.AddMinutes(5),
        ["?filter[createdAt]=2025-01-01T00:13:00Z"] = t => t.CreatedAt == Epoch.AddMinutes(13),
        ["?filter[name][contains]=AM01"] = t => t.Name.Contains("am01", StringComparison.OrdinalIgnoreCase),
        ["?filter[name][startsWith]=TEAM02"] = t => t.Name.StartsWith("team02", StringComparison.OrdinalIgnoreCase),
        ["?filter[parentTeamId][isNull]=true"] = t => t.ParentTeamId is null,
        ["?q=Desc1"] = t => t.Name.Contains("desc1", StringComparison.OrdinalIgnoreCase) ||
                            (t.Description?.Contains("desc1", StringComparison.OrdinalIgnoreCase) ?? false),
        ["?q=%25"] = _ => false,
        ["?q=_"] = _ => false,
        ["?filter[description][startsWith]=desc0&q=team01&sort=-description"] =
            t => (t.Description?.StartsWith("desc0", StringComparison.Ordinal) ?? false) && t.Name.Contains("team01", StringComparison.Ordinal),
    };

    public static Func<Team, bool> Filter(string queryString) => Filters[queryString];

    /// <summary>
    /// The order the API promises: each key in its direction with nulls last, then id ascending. Text and UUIDs compare
    /// as PostgreSQL does for this data (ordinal; a uuid by its bytes, i.e. its text form).
    /// </summary>
    public static IEnumerable<Team> Sort(IEnumerable<Team> teams, string sort)
    {
        var keys = sort.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(k => (Name: k.TrimStart('-'), Descending: k.StartsWith('-')))
            .ToList();
        if (!keys.Any(k => k.Name == "id"))
        {
            keys.Add(("id", false));
        }
        return teams.Order(Comparer<Team>.Create((a, b) =>
        {
            foreach (var (name, descending) in keys)
            {
                var (x, y) = (Key(a, name), Key(b, name));
                var result = (x, y) switch
                {
                    (null, null) => 0,
                    (null, _) => 1,
                    (_, null) => -1,
                    _ => (descending ? -1 : 1) * Compare(x, y),
                };
                if (result != 0)
                {
                    return result;
                }
            }
            return 0;
        }));
    }

    private static object? Key(Team team, string name) => name switch
    {
        "id" => team.Id.ToString(),
        "name" => team.Name,
        "description" => team.Description,
        "createdAt" => team.CreatedAt,
        _ => throw new ArgumentException(name),
    };

    private static int Compare(object x, object y) =>
        x is string s ? string.CompareOrdinal(s, (string)y) : ((IComparable)x).CompareTo(y);
}
