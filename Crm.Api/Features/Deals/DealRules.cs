using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Deals;
using Crm.Domain.Pipelines;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Deals;

/// <summary>
/// The deal fields a stage may require to be entered (its <c>requiredFields</c>, by API name), and whether a deal has
/// each. Fields that always have a value (name, status, …) are not among them; value counts as set when above 0.
/// </summary>
internal static class DealRequiredFields
{
    private static readonly Dictionary<string, Func<Deal, bool>> IsSet = new(StringComparer.Ordinal)
    {
        ["description"] = d => d.Description is not null,
        ["value"] = d => d.Value > 0,
        ["expectedCloseDate"] = d => d.ExpectedCloseDate is not null,
        ["contactId"] = d => d.ContactId is not null,
        ["companyId"] = d => d.CompanyId is not null,
        ["ownerId"] = d => d.OwnerId is not null,
        ["source"] = d => d.Source is not null,
        ["nextStep"] = d => d.NextStep is not null,
        ["competitor"] = d => d.Competitor is not null,
        ["wonReason"] = d => d.WonReason is not null,
        ["lostReason"] = d => d.LostReason is not null,
    };

    public static IEnumerable<string> Names => IsSet.Keys;

    public static bool IsKnown(string field) => IsSet.ContainsKey(field);

    /// <summary>The fields of <paramref name="required"/> that <paramref name="deal"/> lacks.</summary>
    public static IReadOnlyList<string> MissingOn(Deal deal, IEnumerable<string> required) =>
        [.. required.Where(field => IsSet.TryGetValue(field, out var isSet) && !isSet(deal))];
}

/// <summary>What a deal in a stage is: its stage decides its status and probability unless said otherwise.</summary>
internal static class StageOutcome
{
    public static DealStatus StatusIn(PipelineStage stage) => stage.Kind switch
    {
        StageKind.Won => DealStatus.Won,
        StageKind.Lost => DealStatus.Lost,
        _ => DealStatus.Open,
    };

    /// <summary>A won deal is certain and a lost one hopeless, whatever the stage's default says.</summary>
    public static int ProbabilityIn(PipelineStage stage) => stage.Kind switch
    {
        StageKind.Won => 100,
        StageKind.Lost => 0,
        _ => stage.DefaultProbability,
    };

    /// <summary>The close date of a deal closed now: today in UTC.</summary>
    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}

/// <summary>
/// A stage's WIP limit, on every way into it: a move (<see cref="DealMoveEndpoint"/>), a create and a batch create
/// (<see cref="DealReferences.RefuseCreateAsync"/>). A PATCH cannot change a deal's stage.
/// </summary>
internal static class StageWipLimit
{
    /// <summary>The 409 when <paramref name="entering"/> more deals would take the stage over its WIP limit; null when they fit.</summary>
    public static async Task<IResult?> RefuseAsync(CrmDbContext db, PipelineStage stage, int entering, CancellationToken cancellationToken)
    {
        if (stage.WipLimit is not { } limit)
        {
            return null;
        }
        // Every deal in the stage counts, not only those the caller sees: the limit is the team's.
        var inStage = await db.Deals.CountAsync(d => d.StageId == stage.Id && d.DeletedAt == null, cancellationToken);
        if (inStage + entering <= limit)
        {
            return null;
        }
        return ResourceRequests.Conflict(
            entering == 1 || inStage >= limit
                ? $"The stage '{stage.Name}' is at its WIP limit of {limit} deal(s)."
                : $"The stage '{stage.Name}' has room for {limit - inStage} more deal(s) under its WIP limit of {limit}; this batch puts {entering} in it.",
            "stageId");
    }
}
