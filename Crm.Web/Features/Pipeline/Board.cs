using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Pipeline;

/// <summary>A pipeline as a kanban board (<c>GET /api/v1/pipelines/{id}/board</c>): its stages in order with their deals.</summary>
public sealed record Board(Records.Pipeline Pipeline, List<BoardColumn> Stages);

/// <summary>One stage of the board: how many deals it holds (all of them, not only the ones listed) and their totals per currency.</summary>
public sealed record BoardColumn(Stage Stage, int DealCount, List<StageTotal> Totals, List<JsonObject> Deals)
{
    public bool IsFull => Stage.WipLimit is { } limit && DealCount >= limit;
}

/// <summary>A stage's deals of one currency, summed (the API never adds up different currencies).</summary>
public sealed record StageTotal(string Currency, int DealCount, decimal Value, decimal WeightedValue);

/// <summary>How long a deal has sat in its stage, and whether it is rotting there.</summary>
public static class DealAge
{
    public static int DaysInStage(JsonObject deal, DateTimeOffset now) =>
        deal["stageEnteredAt"]?.GetValue<DateTimeOffset>() is { } entered ? Math.Max(0, (int)(now - entered).TotalDays) : 0;

    /// <summary>
    /// A deal rots when it stays in an open stage longer than the stage's <c>rottingDays</c>, or the pipeline's when the
    /// stage names none; won and lost stages never rot, nor do pipelines without a limit.
    /// </summary>
    public static bool IsRotting(JsonObject deal, Stage stage, Records.Pipeline pipeline, DateTimeOffset now) =>
        stage.Kind == "open"
        && (stage.RottingDays ?? pipeline.RottingDays) is { } limit
        && DaysInStage(deal, now) > limit;
}
