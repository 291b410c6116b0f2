using Crm.Api.Infrastructure.OpenApi;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Domain.Deals;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Deals;

/// <summary>
/// <c>/api/v1/deals/{dealId}/products</c>: a deal's line items (docs/api.md, "Deal line items"). A deal with line items
/// is worth their sum: the database sets the deal's value after every change of its lines (migration 0006), and the
/// deal refuses any other value. Every change locks the deal's row first, so concurrent changes of one deal's lines
/// queue, and is audited twice: the line, and the deal's new value.
/// </summary>
internal static class DealLineItemEndpoints
{
    public const string EntityType = "deal_line_item";

    public static void MapDealLineItemEndpoints(this RouteGroupBuilder deals)
    {
        var lines = deals.MapGroup("/{dealId:guid}/products");

        lines.MapGet("/", ListAsync)
            .WithName("ListDealLineItems")
            .WithSummary("List a deal's line items")
            .WithDescription("In the order they were added, with the deal's value and currency.")
            .Produces<DealLineItemList>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        lines.MapGet("/{lineId:guid}", GetAsync)
            .WithName("GetDealLineItem")
            .WithSummary("Get a line item")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .Produces<DealLineItemResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        lines.MapPost("/", CreateAsync)
            .WithName("CreateDealLineItem")
            .WithSummary("Add a line item to a deal")
            .WithDescription("A product of the catalogue (name, SKU and price default to the product's) or free text. The deal's value becomes the sum of its lines. Idempotency-Key replays the first response.")
            .Accepts<DealLineItemInput>("application/json")
            .Produces<DealLineItemResponse>(StatusCodes.Status201Created)
            .ProducesCreateProblems(StatusCodes.Status404NotFound);

        lines.MapPatch("/{lineId:guid}", PatchAsync)
            .WithName("PatchDealLineItem")
            .WithSummary("Change a line item (JSON merge patch)")
            .WithDescription("Requires If-Match with the line's ETag. The deal's value follows.")
            .Accepts<DealLineItemInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<DealLineItemResponse>()
            .ProducesPatchProblems();

        lines.MapDelete("/{lineId:guid}", DeleteAsync)
            .WithName("DeleteDealLineItem")
            .WithSummary("Remove a line item")
            .WithDescription("Requires If-Match. The deal's value becomes the sum of the lines left; after the last one it stays as it was, and is the user's to set again.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesDeleteProblems();
    }

    private static async Task<IResult> ListAsync(Guid dealId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var deal = await services.Visible(services.Db.Deals).AsNoTracking().FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
        if (deal is null)
        {
            return DealEndpoints.NotFound();
        }
        var lines = await services.Db.DealLineItems.AsNoTracking().Where(l => l.DealId == dealId).OrderBy(l => l.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(new DealLineItemList([.. lines.Select(l => l.ToResponse())], deal.Value, deal.Currency));
    }

    private static async Task<IResult> GetAsync(Guid dealId, Guid lineId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var db = services.Db;
        var line = await db.DealLineItems.AsNoTracking()
            .Where(l => l.Id == lineId && l.DealId == dealId && services.Visible(db.Deals).Any(d => d.Id == dealId))
            .FirstOrDefaultAsync(cancellationToken);
        if (line is null)
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(line.Version);
        return TypedResults.Ok(line.ToResponse());
    }

    private static async Task<IResult> CreateAsync(Guid dealId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!DealEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        var post = await ResourceRequests.BeginJsonPostAsync(services, cancellationToken);
        if (post.Answer is { } answer)
        {
            return answer;
        }
        var parsed = MergePatch.Apply(new DealLineItemInput(), post.Body!, services.Json);
        var errors = new Dictionary<string, string[]>(parsed.Errors ?? new Dictionary<string, string[]>());
        var validated = parsed.Value is { } value ? DealValidator.Validate(value, errors) : null;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await LockDealAsync(services, dealId, cancellationToken) is not { } deal)
        {
            return DealEndpoints.NotFound();
        }
        if (validated is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var input = await CompleteAsync(services, deal, null, validated, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var now = services.Clock.GetUtcNow();
        var line = new DealLineItem { DealId = deal.Id, Name = "", CreatedBy = services.Caller.UserId, CreatedAt = now };
        input.Apply(line);
        line.StampUpdate(services.Caller.UserId, now);
        var audit = services.Audit;
        var location = $"{DealEndpoints.Resource.Route}/{deal.Id}/products/{line.Id}";
        var failed = await SaveAsync(services, deal, () =>
            {
                db.DealLineItems.Add(line);
                audit.Created(EntityType, line.Id, Snapshot(audit, line));
            },
            beforeCommit: () => post.Key?.Remember(db, StatusCodes.Status201Created, location, line.ToResponse(), services.Json),
            cancellationToken);
        if (failed is not null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ResourceRequests.AnswerAsync(failed, post.Key, db, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(line.Version);
        return TypedResults.Created(location, line.ToResponse());
    }

    private static async Task<IResult> PatchAsync(Guid dealId, Guid lineId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!DealEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var (db, request) = (services.Db, services.HttpContext.Request);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deal = await LockDealAsync(services, dealId, cancellationToken);
        var line = deal is null ? null : await db.DealLineItems.FirstOrDefaultAsync(l => l.Id == lineId && l.DealId == deal.Id, cancellationToken);
        if (deal is null || line is null)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(request, line.Version) is { } precondition)
        {
            return precondition;
        }
        var before = line.ToInput();
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = await CompleteAsync(services, deal, line, DealValidator.Validate(patched.Value!, errors), errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var audit = services.Audit;
        if (!AuditTrail.Changes(audit.Snapshot(before), audit.Snapshot(input)).New.Any())
        {
            services.HttpContext.Response.SetETag(line.Version);
            return TypedResults.Ok(line.ToResponse());
        }
        var failed = await SaveAsync(services, deal, () =>
            {
                var old = Snapshot(audit, line);
                input.Apply(line);
                line.StampUpdate(services.Caller.UserId, services.Clock.GetUtcNow());
                audit.Updated(EntityType, line.Id, old, Snapshot(audit, line));
                if (ETags.TryParseVersion(request, out var expected))
                {
                    db.Entry(line).ExpectVersion(expected);
                }
            },
            beforeCommit: null, cancellationToken);
        if (failed is not null)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(line.Version);
        return TypedResults.Ok(line.ToResponse());
    }

    private static async Task<IResult> DeleteAsync(Guid dealId, Guid lineId, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!DealEndpoints.Resource.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deal = await LockDealAsync(services, dealId, cancellationToken);
        var line = deal is null ? null : await db.DealLineItems.FirstOrDefaultAsync(l => l.Id == lineId && l.DealId == deal.Id, cancellationToken);
        if (deal is null || line is null)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, line.Version) is { } precondition)
        {
            return precondition;
        }
        var audit = services.Audit;
        var failed = await SaveAsync(services, deal, () =>
            {
                db.DealLineItems.Remove(line);
                audit.Record(AuditAction.Deleted, EntityType, line.Id, Snapshot(audit, line), null);
            },
            beforeCommit: null, cancellationToken);
        if (failed is not null)
        {
            return failed.Result;
        }
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Locks the deal's row for the transaction, so concurrent changes of its lines queue, and loads it (tracked) if the
    /// caller sees it; null otherwise.
    /// </summary>
    private static async Task<Deal?> LockDealAsync(ResourceServices services, Guid dealId, CancellationToken cancellationToken)
    {
        var db = services.Db;
        // Raw SQL skips the query filter; the row-level security policy still limits it to the session's workspace.
        var locked = await db.Database
            .SqlQuery<Guid>($"SELECT id AS \"Value\" FROM deals WHERE id = {dealId} AND deleted_at IS NULL FOR NO KEY UPDATE")
            .ToListAsync(cancellationToken);
        return locked.Count == 0 ? null : await services.Visible(db.Deals).FirstOrDefaultAsync(d => d.Id == dealId, cancellationToken);
    }

    /// <summary>
    /// A validated input completed from its product (on create: name, SKU, and the price when the product's currency is
    /// the deal's), with what the line needs: a name and a price, and a total that keeps the deal's value within
    /// numeric(15, 2). <paramref name="line"/> is the line changed, null for a new one.
    /// </summary>
    private static async Task<DealLineItemInput> CompleteAsync(
        ResourceServices services, Deal deal, DealLineItem? line, DealLineItemInput input, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        var db = services.Db;
        if (input.ProductId is { } productId && productId != line?.ProductId)
        {
            var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == productId && p.DeletedAt == null, cancellationToken);
            if (product is null)
            {
                errors["productId"] = ["No such product."];
                return input;
            }
            if (line is null)
            {
                input = input with
                {
                    Name = input.Name ?? product.Name,
                    Sku = input.Sku ?? product.Sku,
                    UnitPrice = input.UnitPrice ?? (product.Currency == deal.Currency ? product.UnitPrice : null),
                };
                if (input.UnitPrice is null)
                {
                    errors["unitPrice"] = [$"The product is priced in {product.Currency} and the deal in {deal.Currency}; give unitPrice."];
                }
            }
        }
        if (input.Name is null)
        {
            errors["name"] = ["Name is required (or a productId to take it from)."];
        }
        if (input.UnitPrice is null)
        {
            errors.TryAdd("unitPrice", ["Unit price is required (or a productId priced in the deal's currency)."]);
        }
        if (errors.Count == 0)
        {
            var total = DealValidator.LineTotal(input.Quantity, input.UnitPrice!.Value, input.DiscountPercent, input.TaxPercent);
            var others = await db.DealLineItems.Where(l => l.DealId == deal.Id && l.Id != (line == null ? Guid.Empty : line.Id))
                .SumAsync(l => l.Total, cancellationToken);
            if (!IsAmount(total) || !IsAmount(others + total))
            {
                errors["quantity"] = ["The line's total, and the deal's sum of line totals, must stay below 10^13."];
            }
        }
        return input;
    }

    /// <summary>
    /// Saves a change of one of <paramref name="deal"/>'s lines in the request's transaction, in three steps: the deal's
    /// stamp (its UPDATE must come before the line's, whose trigger changes the deal's row, and so its version, again);
    /// the line and its audit row (<paramref name="changeLine"/>); and an audit row of the deal's new value, read back.
    /// </summary>
    private static async Task<SaveFailure?> SaveAsync(
        ResourceServices services, Deal deal, Action changeLine, Action? beforeCommit, CancellationToken cancellationToken)
    {
        var db = services.Db;
        var valueBefore = deal.Value;
        deal.StampUpdate(services.Caller.UserId, services.Clock.GetUtcNow());
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } stampFailed)
        {
            return stampFailed;
        }
        changeLine();
        if (await ResourceRequests.SaveAsync(db, [], cancellationToken) is { } lineFailed)
        {
            return lineFailed;
        }
        await db.Entry(deal).ReloadAsync(cancellationToken);
        services.Audit.Updated(DealEndpoints.EntityType, deal.Id, new JsonObject { ["value"] = valueBefore }, new JsonObject { ["value"] = deal.Value });
        return await ResourceRequests.SaveAsync(db, [], cancellationToken, beforeCommit);
    }

    /// <summary>The line's fields for its audit rows, with the deal it belongs to.</summary>
    private static JsonObject Snapshot(AuditTrail audit, DealLineItem line)
    {
        var values = audit.Snapshot(line.ToInput());
        values["dealId"] = line.DealId;
        return values;
    }

    private static IResult NotFound() => ResourceRequests.NotFound("line item");
}
