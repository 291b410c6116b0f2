using Crm.Web.Api;

namespace Crm.Web.Features.Settings;

/// <summary>
/// Reads whole short lists (members, invitations, keys, fields) fresh from the API: settings pages show what is true
/// now rather than <see cref="Records.WorkspaceDirectory"/>'s per-circuit copy, which they invalidate after each change.
/// </summary>
public static class SettingsLists
{
    public static async Task<List<T>> AllAsync<T>(this CrmApi api, string path)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?') ? '&' : '?';
            var page = await api.GetAsync<Page<T>>($"{path}{separator}limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            items.AddRange(page.Data);
            cursor = page.HasMore ? page.NextCursor : null;
        }
        while (cursor is not null);
        return items;
    }
}
