using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Leads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Leads;

/// <summary>
/// A lead's score history (table lead_score_history): the row every score change writes in the same transaction as the
/// change, and <c>GET /api/v1/leads/{id}/score-history</c>, which reads them newest first.
/// </summary>
internal static class LeadScoreHistory
{
    /// <summary>
    /// Records a score set by the caller (POST, PATCH or batch): from <paramref name="previous"/>, or from the default 0
    /// for a new lead, so the changes of a lead's history add up to its score.
    /// </summary>
    public static Task RecordManualChangeAsync(ResourceServices services, Lead lead, LeadInput? previous, CancellationToken cancellationToken)
    {
        var oldScore = previous?.Score ?? 0;
        if (lead.Score == oldScore)
        {
            return Task.CompletedTask;
        }
        var now = services.Clock.GetUtcNow();
        lead.ScoreUpdatedAt = now;
        services.Db.LeadScoreHistory.Add(new LeadScoreChange
        {
            LeadId = lead.Id,
            OldScore = oldScore,
            NewScore = lead.Score,
            Reason = ScoreChangeReason.Manual,
            ChangedBy = services.Caller.UserId,
            ChangedAt = now,
        });
        return Task.CompletedTask;
    }

    public static async Task<Results<Ok<ListPage<LeadScoreChangeResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid id, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await LeadEndpoints.Resource.Visible(services).AnyAsync(l => l.Id == id, cancellationToken))
        {
            return ResourceRequests.NotFound(LeadEndpoints.EntityType);
        }
        var page = await services.Db.LeadScoreHistory.AsNoTracking().Where(h => h.LeadId == id)
            .ToListResultAsync(LeadListing.ScoreHistory, query, h => h.ToResponse(), cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<LeadScoreChangeResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }
}
