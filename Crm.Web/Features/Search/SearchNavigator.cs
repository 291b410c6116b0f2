using System.Text.Json.Nodes;
using Crm.Web.Api;
using Crm.Web.Records;
using Microsoft.AspNetCore.Components;

namespace Crm.Web.Features.Search;

/// <summary>
/// Opens a search hit: a contact, company, lead or deal at its page; an activity or note at the record it belongs to
/// (its deal, else its contact, company or lead; search hits do not say, so the item is read), or the search page when
/// it belongs to none the caller can open.
/// </summary>
public static class SearchNavigator
{
    public static async Task OpenAsync(SearchHit hit, string query, CrmApi api, NavigationManager navigation)
    {
        navigation.NavigateTo(await TargetAsync(hit, query, api));
    }

    private static async Task<string> TargetAsync(SearchHit hit, string query, CrmApi api)
    {
        if (RecordType.Find(hit.Type) is { } type)
        {
            return $"/{type.Plural}/{hit.Id}";
        }
        var searchPage = $"/search?q={Uri.EscapeDataString(query)}&type={hit.Type}";
        var path = hit.Type switch { "activity" => "activities", "note" => "notes", _ => null };
        if (path is null)
        {
            return searchPage;
        }
        try
        {
            var item = await api.FindAsync<JsonObject>($"api/v1/{path}/{hit.Id}");
            return item is null ? searchPage : RecordType.PageOfLinkedRecord(item.Value) ?? searchPage;
        }
        catch (ApiException)
        {
            return searchPage;
        }
    }
}
