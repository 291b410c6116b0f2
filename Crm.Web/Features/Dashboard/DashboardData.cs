using Crm.Web.Api;
using Crm.Web.Features.Pipeline;
using Crm.Web.Records;

namespace Crm.Web.Features.Dashboard;

/// <summary>
/// What several dashboard tiles read, requested once per page: the forecast and every pipeline's board. Each tile awaits
/// the request it needs, so each shows its own skeleton and its own error.
/// </summary>
public sealed class DashboardData(CrmApi api, WorkspaceDirectory directory)
{
    private Task<Forecast>? _forecast;
    private Task<List<Board>>? _boards;

    public Task<Forecast> ForecastAsync() => _forecast ??= api.GetAsync<Forecast>("api/v1/forecast?months=6");

    /// <summary>The active pipelines' boards (totals only matter here, so one deal per column), the default first.</summary>
    public Task<List<Board>> BoardsAsync() => _boards ??= LoadBoardsAsync();

    private async Task<List<Board>> LoadBoardsAsync()
    {
        var boards = new List<Board>();
        foreach (var pipeline in (await directory.PipelinesAsync()).Where(p => p.IsActive).OrderByDescending(p => p.IsDefault))
        {
            boards.Add(await api.GetAsync<Board>($"api/v1/pipelines/{pipeline.Id}/board?limit=1"));
        }
        return boards;
    }
}
