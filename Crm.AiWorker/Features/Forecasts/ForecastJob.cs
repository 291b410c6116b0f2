using Crm.AiWorker.Features.Jobs;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.AiWorker.Features.Forecasts;

/// <summary>How often the forecasts are refreshed (configuration section <c>Ai:Forecasts</c>).</summary>
public sealed class ForecastOptions
{
    public const string Section = "Ai:Forecasts";

    /// <summary>Deals move during the day; a few hours keep the win probabilities current enough for a pipeline review.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>
/// Refreshes every workspace's sales forecast at start and then every <see cref="ForecastOptions.RefreshInterval"/>:
/// the won-revenue forecast (<see cref="RevenueForecast"/>, ai_forecasts) and each open deal's win probability and
/// predicted close date (<see cref="DealWinPredictor"/>, ai_predictions). Each is one ai_tasks row of type forecast.
/// </summary>
public sealed class ForecastJob(
    IDbContextFactory<CrmDbContext> contexts, AiWorkspaces workspaces, AiTaskLog tasks, TimeProvider clock,
    IOptions<ForecastOptions> options, ILogger<ForecastJob> logger) : WorkspaceSchedule(workspaces, clock, logger)
{
    protected override string JobName => "forecast refresh";

    protected override TimeSpan Interval => options.Value.RefreshInterval;

    /// <summary>Forecasts the won revenue, then predicts every open deal, of one workspace.</summary>
    public override async Task RunAsync(Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, null));
        var revenue = await tasks.RunAsync(workspaceId, AiTaskType.Forecast, new { kind = "won_revenue" }, async run =>
        {
            var result = await RevenueForecast.RefreshAsync(db, Clock.GetUtcNow(), cancellationToken);
            run.ModelProvider = "local";
            run.ModelName = result is null ? null : RevenueForecast.MethodName(result.Method);
            run.Output = result is null ? new { forecast = false } : new { forecast = true, rmse = result.InSampleRmse };
            return result;
        }, cancellationToken);
        var deals = await tasks.RunAsync(workspaceId, AiTaskType.Forecast, new { kind = "deal_win" }, async run =>
        {
            var outcome = await DealWinPredictor.PredictAsync(db, Clock.GetUtcNow(), cancellationToken);
            run.ModelProvider = "local";
            run.ModelName = outcome.Model;
            run.Output = new { predicted = outcome.Predicted, outcome.Auc, outcome.Reason };
            return outcome;
        }, cancellationToken);
        logger.LogInformation("Forecast of workspace {Workspace}: revenue {Method}, {Deals} open deals by {Model} ({Reason})",
            workspaceId, revenue is null ? "none (no won deals)" : RevenueForecast.MethodName(revenue.Method), deals.Predicted, deals.Model, deals.Reason);
    }
}
