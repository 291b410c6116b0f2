using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Leads;
using Crm.Domain.Records;

namespace Crm.Api.Features.Leads;

/// <summary>
/// <c>/api/v1/leads</c>, built like <c>/api/v1/companies</c> (docs/api.md, "Leads"): the shared endpoints of
/// <see cref="ResourceMapping.MapResource"/>, plus a lead's score history and its conversion. A converted lead is
/// read-only: PATCH answers 409, while delete and restore still work (a converted lead is kept as the record of where
/// its contact, company and deal came from, and may be tidied away).
/// </summary>
public static class LeadEndpoints
{
    public const string EntityType = "lead";

    internal static readonly ResourceDefinition<Lead, LeadInput, LeadResponse> Resource = new()
    {
        EntityType = EntityType,
        ObjectType = ObjectType.Lead,
        Plural = "leads",
        OperationSingular = "Lead",
        OperationPlural = "Leads",
        ListDescription = "Cursor-paged; sort, filter[field][op] and q over first name, last name, email and company name (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].email).",
        RestoreDescription = "Answers the restored lead; a converted lead is restored converted.",
        Set = db => db.Leads,
        New = id => new Lead { Id = id },
        Listing = LeadListing.Schema,
        ToInput = l => l.ToInput(),
        ToResponse = l => l.ToResponse(),
        WithTags = (response, tags) => response with { Tags = tags },
        Apply = (input, lead) => input.Apply(lead),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = LeadValidator.Validate,
        CheckReferences = LeadReferences.CheckAsync,
        // Leads have no unique field (the same person may arrive twice): nothing the database could refuse as a duplicate.
        Conflicts = [],
        BatchRequestType = typeof(LeadBatchRequest),
        BatchResponseType = typeof(LeadBatchResponse),
        ToBatchResponse = responses => new LeadBatchResponse(responses),
        RefusePatch = lead => lead.ConvertedAt is null ? null : AlreadyConverted(),
        AfterApply = LeadScoreHistory.RecordManualChangeAsync,
    };

    public static IEndpointRouteBuilder MapLeadEndpoints(this IEndpointRouteBuilder routes)
    {
        var leads = routes.MapResource(Resource);

        leads.MapGet("/{id:guid}/score-history", LeadScoreHistory.ListAsync)
            .WithName("ListLeadScoreHistory")
            .WithSummary("A lead's score changes, newest first")
            .WithDescription("Every change of the lead's score with its reason (manual, rules, model), factors and who or what made it; paged and filtered like every list.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        leads.MapPost("/{id:guid}/convert", LeadConversion.ConvertAsync)
            .WithName("ConvertLead")
            .WithSummary("Convert a lead into a contact, a company and optionally a deal")
            .WithDescription(
                "In one transaction: links or creates the contact and the company (matching existing ones by email, domain or name), " +
                "optionally creates a deal, and marks the lead converted. If-Match is honoured when sent; Idempotency-Key replays the first response.")
            .Accepts<LeadConversionRequest>("application/json")
            .Produces<LeadConversionResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        return routes;
    }

    /// <summary>The 409 for any change, or a second conversion, of a converted lead.</summary>
    internal static IResult AlreadyConverted() => ResourceRequests.Conflict(
        "The lead is converted: it can no longer be changed or converted again (its contact, company and deal can).");
}
