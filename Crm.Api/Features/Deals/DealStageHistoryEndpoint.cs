using Crm.Api.Infrastructure.Resources;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Deals;

/// <summary><c>GET /api/v1/deals/{id}/stage-history</c>: where a deal has been, newest first (docs/api.md, "Deals").</summary>
internal static class DealStageHistoryEndpoint
{
    public static void MapDealStageHistoryEndpoint(this RouteGroupBuilder deals) =>
        deals.MapGet("/{id:guid}/stage-history", GetAsync)
            .WithName("GetDealStageHistory")
            .WithSummary("A deal's stage history")
            .WithDescription("Every stage change, newest first, with the time spent in the stage left; the last entry is the stage the deal was created in.")
            .Produces<DealStageHistoryResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> GetAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        if (!await services.Visible(db.Deals).AnyAsync(d => d.Id == id, cancellationToken))
        {
            return DealEndpoints.NotFound();
        }
        var changes = await db.DealStageHistory.AsNoTracking().Where(h => h.DealId == id)
            .OrderByDescending(h => h.ChangedAt).ThenByDescending(h => h.Id).ToListAsync(cancellationToken);
        var stageIds = changes.SelectMany(h => new[] { h.FromStageId, h.ToStageId }).OfType<Guid>().Distinct().ToList();
        // Deleted stages included: the history names the stages the deal was in, as they were called.
        var names = await db.PipelineStages.Where(s => stageIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return TypedResults.Ok(new DealStageHistoryResponse([.. changes.Select(h => new DealStageChangeResponse(
            h.Id, h.FromStageId, h.FromStageId is { } from ? names[from] : null, h.ToStageId, names[h.ToStageId],
            h.FromProbability, h.ToProbability, h.SecondsInFromStage, h.ChangedBy, h.ChangedAt))]));
    }
}
