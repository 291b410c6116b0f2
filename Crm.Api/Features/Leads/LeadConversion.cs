using System.Text.Json;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Deals;
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
        // or 409, never a second contact. NO KEY: rows that merely reference the lead (score history) need not wait.
        // Row-level security limits the lock to the caller's workspace.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM leads WHERE id = {id} FOR NO KEY UPDATE", cancellationToken);
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
        var deal = await PlanDealAsync(
            services, lead, conversion.Deal, company?.Existing?.Name ?? company?.New?.Name ?? NameOf(lead), errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The lead cannot be converted as asked; nothing was changed.");
        }

        var owner = await OwnerOfNewRecordsAsync(services, lead, cancellationToken);
        var companyId = company?.Existing?.Id ?? (company?.New is { } newCompany
            ? (await CompanyEndpoints.Resource.AddNewAsync(services, newCompany with { OwnerId = owner }, Guid.CreateVersion7(), cancellationToken)).Id
            : null);
        var contactId = await LinkOrAddContactAsync(services, contact, companyId, owner, cancellationToken);
        var dealId = deal is null ? (Guid?)null : (await DealEndpoints.Resource.AddNewAsync(
            services, deal with { ContactId = contactId, CompanyId = companyId, OwnerId = owner }, Guid.CreateVersion7(), cancellationToken)).Id;
        MarkConverted(services, lead, contactId, companyId, dealId);

        var response = new LeadConversionResponse(
            lead.ToResponse(),
            new ConvertedRecord(contactId, contact.Outcome),
            companyId is { } linked ? new ConvertedRecord(linked, company!.Outcome) : null,
            dealId is { } created ? new ConvertedRecord(created, ConversionOutcome.Created) : null);
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

        // Domains are stored lower-case, so the indexed key column (lower(domain), migration 0021) finds the same company.
        var domain = DomainOf(lead.Website);
        if (domain is not null && await visible.FirstOrDefaultAsync(c => c.DomainKey == domain, cancellationToken) is { } byDomain)
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
        if (domain is not null && await services.Db.Companies.AnyAsync(c => c.DomainKey == domain && c.DeletedAt == null, cancellationToken))
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
            if (await visible.FirstOrDefaultAsync(c => c.EmailKey == lowerEmail, cancellationToken) is { } byEmail)
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
            LifecycleStage = withDeal ? LifecycleStage.Opportunity : LifecycleStageOf(lead), Source = ContactSourceOf(lead.Source),
            AddressLine1 = lead.AddressLine1, AddressLine2 = lead.AddressLine2, City = lead.City, State = lead.State,
            PostalCode = lead.PostalCode, Country = lead.Country, LeadScore = lead.Score,
        }, errors, "contact.");
        return new(null, input, ConversionOutcome.Created);
    }

    /// <summary>
    /// The deal's input, validated and completed as <c>POST /deals</c> does it (the pipeline asked for, else the stage's,
    /// else the default pipeline; the stage asked for, else the pipeline's first; the stage's probability), named
    /// <paramref name="defaultName"/> and worth the lead's budget in its currency unless the request says otherwise. It
    /// must start open, in an active pipeline. Its contact, company and owner are set once they exist.
    /// </summary>
    private static async Task<DealInput?> PlanDealAsync(
        ResourceServices services, Lead lead, LeadConversionDeal? request, string defaultName, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return null;
        }
        const string prefix = "deal.";
        var deals = DealEndpoints.Resource;
        var input = deals.Validate(new DealInput
        {
            Name = Clean(request.Name) ?? defaultName, Value = request.Value ?? lead.Budget ?? 0,
            Currency = request.Currency ?? lead.Currency, PipelineId = request.PipelineId, StageId = request.StageId, ExpectedCloseDate = request.ExpectedCloseDate,
            // The lead's source as the API writes it (deals keep it as free text).
            Source = JsonNamingPolicy.SnakeCaseLower.ConvertName(lead.Source.ToString()),
        }, errors, prefix);
        var completed = (await deals.Complete!(services, [(input, prefix, Guid.Empty)], errors, cancellationToken))[0];
        if (completed.Status is not { } status)
        {
            return null; // no pipeline or stage: the completion said why
        }
        if (status != DealStatus.Open)
        {
            errors[prefix + "stageId"] = ["A converted lead's deal starts in an open stage."];
        }
        else if (!await services.Db.Pipelines.AnyAsync(p => p.Id == completed.PipelineId && p.IsActive, cancellationToken))
        {
            errors[prefix + "pipelineId"] = ["The pipeline is not active: it takes no new deals."];
        }
        return completed;
    }

    /// <summary>
    /// Adds the new contact, or links the existing one; an existing contact without a company gets the lead's (a
    /// change, audited as such), one with a company keeps it.
    /// </summary>
    private static async Task<Guid> LinkOrAddContactAsync(
        ResourceServices services, Plan<Contact, ContactInput> contact, Guid? companyId, Guid owner, CancellationToken cancellationToken)
    {
        var contacts = ContactEndpoints.Resource;
        if (contact.Existing is not { } existing)
        {
            return (await contacts.AddNewAsync(services, contact.New! with { CompanyId = companyId, OwnerId = owner }, Guid.CreateVersion7(), cancellationToken)).Id;
        }
        if (existing.CompanyId is null && companyId is not null)
        {
            await contacts.ChangeAsync(services, existing, contacts.ToInput(existing) with { CompanyId = companyId }, cancellationToken);
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
