using System.Globalization;
using Crm.Api.Features.Deals;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Pipelines;

/// <summary>
/// <c>GET /api/v1/pipelines/{id}/board</c>: the pipeline as a kanban board (docs/api.md, "Board"). Every number and
/// every deal is of the deals the caller sees (record scope), so a rep with scope own sees their own pipeline.
/// </summary>
internal static class BoardEndpoint
{
    public const int DefaultLimit = 10;

    public const int MaxLimit = 50;

    public static void MapBoardEndpoint(this RouteGroupBuilder pipelines) =>
        pipelines.MapGet("/{id:guid}/board", GetAsync)
            .WithName("GetPipelineBoard")
            .WithSummary("A pipeline's board")
            .WithDescription($"Every live stage in order with its deal count, its value and weighted value per currency, and its first limit deals (default {DefaultLimit}, at most {MaxLimit}) by time in stage. Abandoned deals are left out.")
            .Produces<PipelineBoard>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> GetAsync(Guid id, string? limit, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
        {
            return ResourceRequests.Invalid("limit", $"'{limit}' is not a whole number from 1 to {MaxLimit}.");
        }
        var db = services.Db;
        var pipeline = await db.Pipelines.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.DeletedAt == null, cancellationToken);
        if (pipeline is null)
        {
            return PipelineEndpoints.NotFound();
        }
        var stages = await StageEndpoints.LiveStages(db, id).AsNoTracking().ToListAsync(cancellationToken);
        var deals = services.Visible(db.Deals).AsNoTracking().Where(d => d.PipelineId == id && d.Status != DealStatus.Abandoned);
        var totals = await deals
            .GroupBy(d => new { d.StageId, d.Currency })
            .Select(g => new { g.Key.StageId, Total = new BoardTotal(g.Key.Currency, g.Count(), g.Sum(d => d.Value), g.Sum(d => d.WeightedValue)) })
            .ToListAsync(cancellationToken);

        var columns = new List<BoardColumn>();
        foreach (var stage in stages)
        {
            var first = await deals.Where(d => d.StageId == stage.Id).OrderBy(d => d.StageEnteredAt).ThenBy(d => d.Id)
                .Take(take).ToListAsync(cancellationToken);
            var stageTotals = totals.Where(t => t.StageId == stage.Id).Select(t => t.Total).OrderBy(t => t.Currency, StringComparer.Ordinal).ToList();
            columns.Add(new BoardColumn(stage.ToResponse(), stageTotals.Sum(t => t.DealCount), stageTotals, [.. first.Select(d => d.ToResponse())]));
        }
        return TypedResults.Ok(new PipelineBoard(pipeline.ToResponse(), columns));
    }
}

/// <summary>A pipeline with its stages as columns.</summary>
public sealed record PipelineBoard(PipelineResponse Pipeline, IReadOnlyList<BoardColumn> Stages);

/// <summary>One stage of the board: how many deals, worth how much (per currency), and the first of them.</summary>
public sealed record BoardColumn(StageResponse Stage, int DealCount, IReadOnlyList<BoardTotal> Totals, IReadOnlyList<DealResponse> Deals);

/// <summary>The deals of a stage in one currency: their number, the sum of their values and of their weighted values.</summary>
public sealed record BoardTotal(string Currency, int DealCount, decimal Value, decimal WeightedValue);
