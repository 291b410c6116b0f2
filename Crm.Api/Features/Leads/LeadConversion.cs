using System.Text.Json;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Auditing;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Leads;
using Crm.Domain.Pipelines;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Leads;

/// <summary>
/// <c>POST /api/v1/leads/{id}/convert</c> (docs/api.md, "Converting a lead"): in one transaction, links or creates the
/// lead's contact and company, optionally creates a deal, and marks the lead converted with links to them. Every record
/// made or changed gets its audit row; a failure anywhere leaves nothing behind.
/// </summary>
internal static class LeadConversion
{
    public static async Task<IResult> ConvertAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var leads = LeadEndpoints.Resource;
        if (!leads.MayWrite(services.Caller))
        {
            return CallerAccess.ReadOnly();
        }
        var request = services.HttpContext.Request;
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        var db = services.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Conversions of one lead queue here, so the second sees the first's outcome: its replay (same Idempotency-Key)
        // or 409, never a second contact. Row-level security limits the lock to the caller's workspace.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM leads WHERE id = {id} FOR UPDATE", cancellationToken);
        var idempotency = await IdempotencyKeys.BeginAsync(request, body.Text!, db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }
        var parsed = MergePatch.Apply(new LeadConversionRequest(), body.Text!, services.Json);
        if (parsed.Value is not { } conversion)
        {
            return TypedResults.ValidationProblem(parsed.Errors!);
        }

        var lead = await leads.Visible(services).FirstOrDefaultAsync(l => l.Id == id, cancellationToken);
        if (lead is null)
        {
            return ResourceRequests.NotFound(LeadEndpoints.EntityType);
        }
        // If-Match is optional here (the lock and the converted check already stop double conversions), honoured when sent.
        if (ETags.CheckIfMatch(request, lead.Version) is not (IfMatchResult.Missing or IfMatchResult.Match))
        {
            return ETags.PreconditionProblem(request, lead.Version)!;
        }
        if (lead.ConvertedAt is not null)
        {
            return LeadEndpoints.AlreadyConverted();
        }

        var errors = new Dictionary<string, string[]>();
        var company = await PlanCompanyAsync(services, lead, conversion.CompanyId, errors, cancellationToken);
        var contact = await PlanContactAsync(services, lead, conversion.ContactId, conversion.Deal is not null, errors, cancellationToken);
        var deal = await PlanDealAsync(services, lead, conversion.Deal, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The lead cannot be converted as asked; nothing was changed.");
        }

        var owner = await OwnerOfNewRecordsAsync(services, lead, cancellationToken);
        var companyId = company?.Existing?.Id ?? (company?.New is { } newCompany
            ? CompanyEndpoints.Resource.AddNew(services, newCompany with { OwnerId = owner }, Guid.CreateVersion7()).Id
            : null);
        var contactId = LinkOrAddContact(services, contact, companyId, owner);
        if (deal is not null)
        {
            AddDeal(services, deal, deal.Name.Length > 0 ? deal.Name : company?.Existing?.Name ?? company?.New?.Name ?? NameOf(lead), contactId, companyId, owner);
        }
        MarkConverted(services, lead, contactId, companyId, deal?.Id);

        var response = new LeadConversionResponse(
            lead.ToResponse(),
            new ConvertedRecord(contactId, contact.Outcome),
            companyId is { } linked ? new ConvertedRecord(linked, company!.Outcome) : null,
            deal is null ? null : new ConvertedRecord(deal.Id, ConversionOutcome.Created));
        var saved = await ResourceRequests.SaveAsync(
            db, [.. CompanyEndpoints.Resource.Conflicts, .. ContactEndpoints.Resource.Conflicts], cancellationToken,
            beforeCommit: () => idempotency.Key?.Remember(db, StatusCodes.Status200OK, null, response, services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, db, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        services.HttpContext.Response.SetETag(lead.Version);
        return TypedResults.Ok(response);
    }

    /// <summary>An existing record to link, or the input of a new one, and how it was chosen.</summary>
    private sealed record Plan<TEntity, TInput>(TEntity? Existing, TInput? New, ConversionOutcome Outcome)
        where TEntity : class
        where TInput : class;

    /// <summary>
    /// The company: the one the request names; else a live one the caller sees with the domain of the lead's website,
    /// else with its company name (case-insensitive, the oldest); else a new one from the lead. None without a company name.
    /// </summary>
    private static async Task<Plan<Company, CompanyInput>?> PlanCompanyAsync(
        ResourceServices services, Lead lead, Guid? companyId, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var visible = CompanyEndpoints.Resource.Visible(services);
        if (companyId is { } requested)
        {
            var named = await visible.FirstOrDefaultAsync(c => c.Id == requested, cancellationToken);
            if (named is null)
            {
                errors["companyId"] = ["No such company."];
                return null;
            }
            return new(named, null, ConversionOutcome.Linked);
        }
        if (lead.CompanyName is not { } name)
        {
            return null;
        }

        var domain = DomainOf(lead.Website);
        if (domain is not null && await visible.FirstOrDefaultAsync(c => c.Domain == domain, cancellationToken) is { } byDomain)
        {
            return new(byDomain, null, ConversionOutcome.MatchedByDomain);
        }
        var lowerName = name.ToLowerInvariant();
        if (await visible.Where(c => c.Name.ToLower() == lowerName).OrderBy(c => c.CreatedAt).ThenBy(c => c.Id)
                .FirstOrDefaultAsync(cancellationToken) is { } byName)
        {
            return new(byName, null, ConversionOutcome.MatchedByName);
        }

        // A live company outside the caller's record scope may hold the domain (domains are unique): then the new
        // company goes without one rather than failing the conversion or linking a company the caller cannot see.
        if (domain is not null && await services.Db.Companies.AnyAsync(c => c.Domain == domain && c.DeletedAt == null, cancellationToken))
        {
            domain = null;
        }
        var input = CompanyValidator.Validate(new CompanyInput
        {
            Name = name, Domain = domain, Website = lead.Website, Industry = lead.Industry, EmployeeCount = lead.EmployeeCount,
            AnnualRevenue = lead.AnnualRevenue, Currency = lead.Currency, AddressLine1 = lead.AddressLine1,
            AddressLine2 = lead.AddressLine2, City = lead.City, State = lead.State, PostalCode = lead.PostalCode, Country = lead.Country,
        }, errors, "company.");
        return new(null, input, ConversionOutcome.Created);
    }

    /// <summary>The contact: the one the request names; else a live one the caller sees with the lead's email; else a new one from the lead.</summary>
    private static async Task<Plan<Contact, ContactInput>> PlanContactAsync(
        ResourceServices services, Lead lead, Guid? contactId, bool withDeal, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var visible = ContactEndpoints.Resource.Visible(services);
        if (contactId is { } requested)
        {
            var named = await visible.FirstOrDefaultAsync(c => c.Id == requested, cancellationToken);
            if (named is null)
            {
                errors["contactId"] = ["No such contact."];
            }
            return new(named, null, ConversionOutcome.Linked);
        }
        if (lead.Email is { } email)
        {
            var lowerEmail = email.ToLowerInvariant();
            if (await visible.FirstOrDefaultAsync(c => c.Email!.ToLower() == lowerEmail, cancellationToken) is { } byEmail)
            {
                return new(byEmail, null, ConversionOutcome.MatchedByEmail);
            }
        }
        if (lead.FirstName is null && lead.LastName is null)
        {
            errors["contactId"] = ["The lead has no first or last name to make a contact of: name the lead, or give contactId."];
            return new(null, null, ConversionOutcome.Created);
        }
        var input = ContactValidator.Validate(new ContactInput
        {
            FirstName = lead.FirstName, LastName = lead.LastName, Email = lead.Email, Phone = lead.Phone, Title = lead.Title,
            LifecycleStage = withDeal ? LifecycleStage.Opportunity : LifecycleStageOf(lead), Source = ContactSourceOf(lead.Source), AddressLine1 = lead.AddressLine1,
            AddressLine2 = lead.AddressLine2, City = lead.City, State = lead.State, PostalCode = lead.PostalCode,
            Country = lead.Country, LeadScore = lead.Score,
        }, errors, "contact.");
        return new(null, input, ConversionOutcome.Created);
    }

    /// <summary>
    /// The deal, not yet added (its name may wait for the company's, and its contact and company for theirs): in the
    /// stage asked for, which must be open, else the first open stage of the pipeline asked for, else of the default
    /// pipeline; with the stage's probability, and the lead's budget and currency unless the request gives others.
    /// </summary>
    private static async Task<Deal?> PlanDealAsync(
        ResourceServices services, Lead lead, LeadConversionDeal? request, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return null;
        }
        var stage = await StageOfDealAsync(services, request, errors, cancellationToken);
        var name = Clean(request.Name) ?? "";
        var value = request.Value ?? lead.Budget ?? 0;
        var currency = Clean(request.Currency)?.ToUpperInvariant() ?? lead.Currency;
        CheckLengths([("deal.name", name, 255)], (field, message) => errors[field] = [message]);
        if (value < 0 || !FitsMoneyColumn(value))
        {
            errors["deal.value"] = ["Value must be 0 or more, below 10^13, with at most 2 decimals."];
        }
        if (!CurrencyFormat().IsMatch(currency))
        {
            errors["deal.currency"] = ["Currency must be an ISO 4217 code of three letters, such as USD."];
        }
        return stage is null ? null : new Deal
        {
            Name = name, Value = value, Currency = currency, PipelineId = stage.PipelineId, StageId = stage.Id,
            Probability = stage.DefaultProbability, Status = DealStatus.Open, ExpectedCloseDate = request.ExpectedCloseDate,
            // As the API writes the lead's source (deals keep it as free text).
            Source = JsonNamingPolicy.SnakeCaseLower.ConvertName(lead.Source.ToString()),
        };
    }

    /// <summary>The open stage the deal starts in, or null after an error on deal.stageId or deal.pipelineId.</summary>
    private static async Task<PipelineStage?> StageOfDealAsync(
        ResourceServices services, LeadConversionDeal request, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        // Pipelines and stages are workspace settings: every member may start a deal in any live, active pipeline.
        var pipelines = services.Db.Pipelines.Where(p => p.DeletedAt == null && p.IsActive);
        var stages = services.Db.PipelineStages.Where(s => s.DeletedAt == null && pipelines.Any(p => p.Id == s.PipelineId));
        if (request.StageId is { } stageId)
        {
            var stage = await stages.FirstOrDefaultAsync(s => s.Id == stageId && (request.PipelineId == null || s.PipelineId == request.PipelineId), cancellationToken);
            if (stage is null || stage.Kind != StageKind.Open)
            {
                errors["deal.stageId"] = [stage is null ? "No such stage (in that pipeline)." : "A converted lead's deal starts in an open stage."];
                return null;
            }
            return stage;
        }
        var pipeline = request.PipelineId is { } pipelineId
            ? await pipelines.FirstOrDefaultAsync(p => p.Id == pipelineId, cancellationToken)
            : await pipelines.FirstOrDefaultAsync(p => p.IsDefault, cancellationToken);
        if (pipeline is null)
        {
            errors["deal.pipelineId"] = [request.PipelineId is null ? "The workspace has no default pipeline: give deal.pipelineId." : "No such pipeline."];
            return null;
        }
        var first = await stages.Where(s => s.PipelineId == pipeline.Id && s.Kind == StageKind.Open)
            .OrderBy(s => s.Position).FirstOrDefaultAsync(cancellationToken);
        if (first is null)
        {
            errors["deal.pipelineId"] = ["The pipeline has no open stage to start a deal in."];
        }
        return first;
    }

    /// <summary>
    /// Adds the deal, made by the caller, with its audit row. The snapshot names the fields as the deals API does
    /// (DealInput), so the row reads like one of <c>POST /deals</c>. Its stage history row is written by the database.
    /// </summary>
    private static void AddDeal(ResourceServices services, Deal deal, string name, Guid contactId, Guid? companyId, Guid owner)
    {
        deal.Name = name;
        deal.ContactId = contactId;
        deal.CompanyId = companyId;
        deal.OwnerId = owner;
        deal.CreatedBy = services.Caller.UserId;
        deal.StampUpdate(services.Caller.UserId);
        services.Db.Deals.Add(deal);
        var audit = services.Audit;
        audit.Created("deal", deal.Id, audit.Snapshot(new
        {
            deal.Name, deal.Value, deal.Currency, deal.Probability, deal.Status, deal.DealType, deal.Priority, deal.PipelineId,
            deal.StageId, deal.ExpectedCloseDate, deal.Source, deal.ContactId, deal.CompanyId, deal.OwnerId,
        }));
    }

    /// <summary>
    /// Adds the new contact, or links the existing one; an existing contact without a company gets the lead's (a
    /// change, audited as such), one with a company keeps it.
    /// </summary>
    private static Guid LinkOrAddContact(ResourceServices services, Plan<Contact, ContactInput> contact, Guid? companyId, Guid owner)
    {
        var contacts = ContactEndpoints.Resource;
        if (contact.Existing is not { } existing)
        {
            return contacts.AddNew(services, contact.New! with { CompanyId = companyId, OwnerId = owner }, Guid.CreateVersion7()).Id;
        }
        if (existing.CompanyId is null && companyId is not null)
        {
            contacts.Change(services, existing, contacts.ToInput(existing) with { CompanyId = companyId });
        }
        return existing.Id;
    }

    /// <summary>Converted, with its links, by the caller, now; audited as a conversion with every field that changed.</summary>
    private static void MarkConverted(ResourceServices services, Lead lead, Guid contactId, Guid? companyId, Guid? dealId)
    {
        var audit = services.Audit;
        var before = audit.Snapshot(lead.ToResponse());
        var now = services.Clock.GetUtcNow();
        lead.Status = LeadStatus.Converted;
        lead.ConvertedAt = now;
        lead.ConvertedBy = services.Caller.UserId;
        lead.ConvertedContactId = contactId;
        lead.ConvertedCompanyId = companyId;
        lead.ConvertedDealId = dealId;
        lead.StampUpdate(services.Caller.UserId, now);
        var (oldValues, newValues) = AuditTrail.Changes(before, audit.Snapshot(lead.ToResponse()));
        audit.Record(AuditAction.Converted, LeadEndpoints.EntityType, lead.Id, oldValues, newValues);
    }

    /// <summary>
    /// New records belong to the lead's owner, as the lead did (a teammate's or the caller's own, so within the caller's
    /// sight); to the caller when the lead has no owner or its owner is no longer an active member.
    /// </summary>
    private static async Task<Guid> OwnerOfNewRecordsAsync(ResourceServices services, Lead lead, CancellationToken cancellationToken) =>
        lead.OwnerId is { } owner && await services.Db.WorkspaceMembers.AnyAsync(m => m.UserId == owner && m.Status == MemberStatus.Active, cancellationToken)
            ? owner
            : services.Caller.UserId;

    /// <summary>"First Last", or whichever the lead has (a lead without a company name has one of them).</summary>
    private static string NameOf(Lead lead) => string.Join(' ', new[] { lead.FirstName, lead.LastName }.OfType<string>());

    /// <summary>The host of the lead's website without "www.", when it is a valid company domain.</summary>
    private static string? DomainOf(string? website)
    {
        if (!Uri.TryCreate(website, UriKind.Absolute, out var uri))
        {
            return null;
        }
        var host = uri.IdnHost.ToLowerInvariant();
        host = host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
        return host.Length <= 255 && CompanyValidator.DomainFormat().IsMatch(host) ? host : null;
    }

    /// <summary>How far the lead got: its qualification, as a contact's lifecycle stage.</summary>
    private static LifecycleStage LifecycleStageOf(Lead lead) => lead.QualificationStatus switch
    {
        QualificationStatus.MarketingQualified => LifecycleStage.Mql,
        QualificationStatus.SalesQualified or QualificationStatus.SalesAccepted => LifecycleStage.Sql,
        _ => LifecycleStage.Lead,
    };

    /// <summary>The lead's source where contacts know it; manual (entered by a member) otherwise.</summary>
    private static ContactSource ContactSourceOf(LeadSource source) => source switch
    {
        LeadSource.Website => ContactSource.Website,
        LeadSource.Email => ContactSource.Email,
        LeadSource.Import => ContactSource.Import,
        LeadSource.Api => ContactSource.Api,
        LeadSource.Linkedin => ContactSource.Linkedin,
        _ => ContactSource.Manual,
    };

    /// <summary>The body as text: <c>{}</c> when the request has none (convert with the defaults), else it must be JSON (415).</summary>
    private static async Task<(string? Text, IResult? Problem)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken) =>
        request.ContentType is null && request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0
            ? ("{}", null)
            : await ResourceRequests.ReadJsonBodyAsync(request, cancellationToken);
}
