using System.Text.Json.Nodes;
using Crm.Web.Api;

namespace Crm.Web.Records;

public static class RecordTitles
{
    /// <summary>
    /// The titles of the records of one type that a page references (a list's companies, a board's), read with
    /// <c>filter[id][in]</c> 100 at a time rather than one request per id. Ids the caller cannot see are left out.
    /// </summary>
    public static async Task<Dictionary<Guid, string>> TitlesAsync(
        this CrmApi api, RecordType type, IEnumerable<Guid> ids, CancellationToken cancellationToken = default)
    {
        var titles = new Dictionary<Guid, string>();
        foreach (var chunk in ids.Distinct().Chunk(100))
        {
            var page = await api.GetAsync<Page<JsonObject>>($"{type.ApiPath}?limit=100&filter[id][in]={string.Join(',', chunk)}", cancellationToken);
            foreach (var record in page.Data)
            {
                if (Format.Id(record["id"]) is { } id)
                {
                    titles[id] = type.TitleOf(record);
                }
            }
        }
        return titles;
    }
}
