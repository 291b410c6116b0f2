using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Deals;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Deals;

/// <summary>
/// What a deal input needs the database for, in one query each for a whole batch: its pipeline and stage (completion),
/// and the ids it names (references). Pipelines and stages are the workspace's; contacts and companies must be ones
/// the caller sees, so never another workspace's.
/// </summary>
internal static class DealReferences
{
    /// <summary>
    /// Resolves each input's pipeline (given, the given stage's, or the workspace's default) and stage (given, or the
    /// pipeline's first), then what follows the stage unless given: status, probability, currency (the pipeline's)
    /// and, for a closed deal, the close date. A lost deal needs a lost reason.
    /// </summary>
    public static async Task<IReadOnlyList<DealInput>> CompleteAsync(
        ResourceServices services, IReadOnlyList<(DealInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        var stageIds = items.Select(i => i.Input.StageId).OfType<Guid>().Distinct().ToList();
        var givenStages = stageIds.Count == 0 ? [] : await db.PipelineStages.AsNoTracking()
            .Where(s => stageIds.Contains(s.Id) && s.DeletedAt == null).ToListAsync(cancellationToken);
        var pipelineIds = items.Select(i => i.Input.PipelineId).OfType<Guid>().Concat(givenStages.Select(s => s.PipelineId)).Distinct().ToList();
        var needsDefault = items.Any(i => i.Input.PipelineId is null && i.Input.StageId is null);
        var pipelines = await db.Pipelines.AsNoTracking()
            .Where(p => p.DeletedAt == null && (pipelineIds.Contains(p.Id) || (needsDefault && p.IsDefault)))
            .ToListAsync(cancellationToken);
        var livePipelineIds = pipelines.Select(p => p.Id).ToList();
        var firstStages = await db.PipelineStages.AsNoTracking()
            .Where(s => livePipelineIds.Contains(s.PipelineId) && s.DeletedAt == null)
            .GroupBy(s => s.PipelineId)
            .Select(g => g.OrderBy(s => s.Position).First())
            .ToListAsync(cancellationToken);

        var completed = new List<DealInput>();
        foreach (var (input, prefix, _) in items)
        {
            void Fail(string field, string message) => errors[prefix + field] = [message];

            var stage = input.StageId is { } stageId ? givenStages.FirstOrDefault(s => s.Id == stageId) : null;
            if (input.StageId is not null && stage is null)
            {
                Fail("stageId", "No such stage.");
                completed.Add(input);
                continue;
            }
            var pipelineId = input.PipelineId ?? stage?.PipelineId;
            var pipeline = pipelineId is { } id ? pipelines.FirstOrDefault(p => p.Id == id) : pipelines.FirstOrDefault(p => p.IsDefault);
            if (pipeline is null)
            {
                Fail("pipelineId", pipelineId is null ? "Give a pipelineId: the workspace has no default pipeline." : "No such pipeline.");
                completed.Add(input);
                continue;
            }
            if (stage is not null && stage.PipelineId != pipeline.Id)
            {
                Fail("stageId", "The stage is not one of the pipeline's.");
                completed.Add(input);
                continue;
            }
            stage ??= firstStages.FirstOrDefault(s => s.PipelineId == pipeline.Id);
            if (stage is null)
            {
                Fail("stageId", "The pipeline has no stages yet.");
                completed.Add(input);
                continue;
            }

            var status = input.Status ?? StageOutcome.StatusIn(stage);
            var closed = status is DealStatus.Won or DealStatus.Lost;
            if (status == DealStatus.Lost && input.LostReason is null)
            {
                Fail("lostReason", "A lost deal needs a lost reason.");
            }
            completed.Add(input with
            {
                PipelineId = pipeline.Id,
                StageId = stage.Id,
                Status = status,
                Probability = input.Probability ?? StageOutcome.ProbabilityIn(stage),
                Currency = input.Currency ?? pipeline.Currency,
                ActualCloseDate = input.ActualCloseDate ?? (closed ? StageOutcome.Today(services.Clock) : null),
            });
        }
        return completed;
    }

    /// <summary>
    /// The 409 of the first stage the new deals would take over its WIP limit (<see cref="StageWipLimit"/>), counting
    /// every deal of a batch that enters it; null when they all fit.
    /// </summary>
    public static async Task<IResult?> RefuseCreateAsync(
        ResourceServices services, IReadOnlyList<DealInput> inputs, CancellationToken cancellationToken)
    {
        var entering = inputs.Where(i => i.StageId is not null).GroupBy(i => i.StageId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var stageIds = entering.Keys.ToList();
        var limited = await services.Db.PipelineStages.AsNoTracking()
            .Where(s => stageIds.Contains(s.Id) && s.WipLimit != null).OrderBy(s => s.Position).ToListAsync(cancellationToken);
        foreach (var stage in limited)
        {
            if (await StageWipLimit.RefuseAsync(services.Db, stage, entering[stage.Id], cancellationToken) is { } full)
            {
                return full;
            }
        }
        return null;
    }

    /// <summary>
    /// Checks the ids a completed input names: the owner as for every record, contact and company among those the caller
    /// sees, watchers among the active members. A new deal goes into an active pipeline only; an existing one (PATCH)
    /// keeps its pipeline and stage (moves are <c>POST /deals/{id}/move</c>) and, while it has line items, their sum as
    /// its value.
    /// </summary>
    public static async Task CheckAsync(
        ResourceServices services, IReadOnlyList<(DealInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        await ResourceRequests.CheckOwnersAsync(db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);

        var contactIds = items.Select(i => i.Input.ContactId).OfType<Guid>().Distinct().ToList();
        var contacts = contactIds.Count == 0 ? [] : await services.Visible(db.Contacts)
            .Where(c => contactIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        var companyIds = items.Select(i => i.Input.CompanyId).OfType<Guid>().Distinct().ToList();
        var companies = companyIds.Count == 0 ? [] : await services.Visible(db.Companies)
            .Where(c => companyIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        var watcherIds = items.SelectMany(i => i.Input.WatcherIds).Distinct().ToList();
        var members = watcherIds.Count == 0 ? [] : await db.WorkspaceMembers
            .Where(m => watcherIds.Contains(m.UserId) && m.Status == MemberStatus.Active).Select(m => m.UserId).ToListAsync(cancellationToken);
        var ids = items.Select(i => i.Id).ToList();
        var existing = await db.Deals.AsNoTracking().Where(d => ids.Contains(d.Id))
            .Select(d => new
            {
                d.Id, d.PipelineId, d.StageId, d.Value,
                HasLines = db.DealLineItems.Any(l => l.DealId == d.Id),
                LinesTotal = db.DealLineItems.Where(l => l.DealId == d.Id).Sum(l => l.Total),
            })
            .ToListAsync(cancellationToken);
        var pipelineIds = items.Select(i => i.Input.PipelineId).OfType<Guid>().Distinct().ToList();
        var inactivePipelines = await db.Pipelines.Where(p => pipelineIds.Contains(p.Id) && !p.IsActive).Select(p => p.Id).ToListAsync(cancellationToken);

        foreach (var (input, prefix, id) in items)
        {
            void Fail(string field, string message) => errors[prefix + field] = [message];

            if (input.ContactId is { } contactId && !contacts.Contains(contactId))
            {
                Fail("contactId", "No such contact.");
            }
            if (input.CompanyId is { } companyId && !companies.Contains(companyId))
            {
                Fail("companyId", "No such company.");
            }
            if (input.WatcherIds.Where(w => !members.Contains(w)).Select(w => (Guid?)w).FirstOrDefault() is { } watcher)
            {
                Fail("watcherIds", $"{watcher} is not an active member of this workspace.");
            }
            if (existing.FirstOrDefault(d => d.Id == id) is not { } deal)
            {
                if (input.PipelineId is { } pipelineId && inactivePipelines.Contains(pipelineId))
                {
                    Fail("pipelineId", "The pipeline is not active: it takes no new deals.");
                }
                continue;
            }
            if (input.PipelineId != deal.PipelineId || input.StageId != deal.StageId)
            {
                Fail("stageId", $"Move the deal to another stage with POST /api/v1/deals/{id}/move.");
            }
            if (deal.HasLines && input.Value != deal.Value)
            {
                Fail("value", $"The deal's value is the sum of its line items ({deal.LinesTotal}); change the line items instead.");
            }
        }
    }
}
