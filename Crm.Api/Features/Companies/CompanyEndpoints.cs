using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Companies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Companies;

/// <summary>
/// <c>/api/v1/companies</c>: the first business resource, and the model of the others (docs/api.md, "Companies").
/// Another workspace's companies, and those outside the caller's record scope, answer 404 like missing ones.
/// </summary>
public static class CompanyEndpoints
{
    public const string EntityType = "company";

    public const int MaxBatchSize = ResourceRequests.MaxBatchSize;

    private static readonly UniqueConflict[] Conflicts =
    [
        new("companies_domain_unique", "domain", "A company with this domain already exists in the workspace."),
        new("companies_account_number_unique", "accountNumber", "A company with this account number already exists in the workspace."),
    ];

    public static IEndpointRouteBuilder MapCompanyEndpoints(this IEndpointRouteBuilder routes)
    {
        var companies = routes.MapGroup("/api/v1/companies").WithTags("Companies").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        companies.MapGet("/", ListAsync)
            .WithName("ListCompanies")
            .WithSummary("List companies")
            .WithDescription("Cursor-paged; sort, filter[field][op] and q over name and domain (docs/api.md, \"Lists\").")
            .ProducesValidationProblem();

        companies.MapGet("/{id:guid}", GetAsync)
            .WithName("GetCompany")
            .WithSummary("Get a company")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        companies.MapPost("/", CreateAsync)
            .WithName("CreateCompany")
            .WithSummary("Create a company")
            .WithDescription("Owned by the caller unless ownerId says otherwise. Idempotency-Key replays the first response.")
            .Accepts<CompanyInput>("application/json")
            .Produces<CompanyResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        companies.MapPost("/batch", CreateBatchAsync)
            .WithName("CreateCompanies")
            .WithSummary("Create up to 100 companies at once")
            .WithDescription("All or nothing, in one transaction; errors name the items by index (items[3].name).")
            .Accepts<CompanyBatchRequest>("application/json")
            .Produces<CompanyBatchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        companies.MapPatch("/{id:guid}", PatchAsync)
            .WithName("PatchCompany")
            .WithSummary("Change a company (JSON merge patch)")
            .WithDescription("Requires If-Match with the ETag read; answers the new ETag.")
            .Accepts<CompanyInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<CompanyResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        companies.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteCompany")
            .WithSummary("Delete a company (soft)")
            .WithDescription("Requires If-Match. The company leaves lists and reads until restored.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        companies.MapPost("/{id:guid}/restore", RestoreAsync)
            .WithName("RestoreCompany")
            .WithSummary("Restore a deleted company")
            .WithDescription("409 when a live company has taken its domain or account number meanwhile.")
            .Produces<CompanyResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    internal static Task<Results<Ok<ListPage<CompanyResponse>>, ValidationProblem>> ListAsync(
        ListQuery query, [AsParameters] CompanyServices services, CancellationToken cancellationToken) =>
        services.Visible.AsNoTracking().ToListResultAsync(CompanyListing.Schema, query, c => c.ToResponse(), cancellationToken);

    internal static async Task<Results<Ok<CompanyResponse>, ProblemHttpResult>> GetAsync(
        Guid id, [AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        var company = await services.Visible.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        services.HttpContext.Response.SetETag(company.Version);
        return TypedResults.Ok(company.ToResponse());
    }

    internal static async Task<IResult> CreateAsync([AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var idempotency = await IdempotencyKeys.BeginAsync(services.HttpContext.Request, body.Text!, services.Db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }

        var parsed = MergePatch.Apply(new CompanyInput(), body.Text!, services.Json);
        var errors = new Dictionary<string, string[]>(parsed.Errors ?? new Dictionary<string, string[]>());
        var company = new Company { Name = "" };
        if (parsed.Value is { } value)
        {
            var input = CompanyValidator.Validate(value with { OwnerId = value.OwnerId ?? services.Caller.UserId }, errors);
            await CompanyReferences.CheckAsync(services, [(input, "", company.Id)], errors, cancellationToken);
            input.Apply(company);
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        company.CreatedBy = company.UpdatedBy = services.Caller.UserId;
        services.Db.Companies.Add(company);
        services.Audit.Created(EntityType, company.Id, services.Audit.Snapshot(company.ToInput()));
        var location = $"/api/v1/companies/{company.Id}";
        var saved = await SaveAsync(services, cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status201Created, location, company.ToResponse(), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        services.HttpContext.Response.SetETag(company.Version);
        return TypedResults.Created(location, company.ToResponse());
    }

    internal static async Task<IResult> CreateBatchAsync([AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var items = ResourceRequests.ParseBatch(body.Text!, "company", out var batchError);
        if (items is null)
        {
            return batchError!;
        }
        var idempotency = await IdempotencyKeys.BeginAsync(services.HttpContext.Request, body.Text!, services.Db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }

        var errors = new Dictionary<string, string[]>();
        var accepted = new List<(CompanyInput Input, string Prefix, Guid Id)>();
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"items[{i}].";
            var parsed = MergePatch.Apply(new CompanyInput(), items[i], services.Json);
            foreach (var (key, messages) in parsed.Errors ?? new Dictionary<string, string[]>())
            {
                errors[key == "body" ? $"items[{i}]" : prefix + key] = messages;
            }
            if (parsed.Value is { } value)
            {
                var input = CompanyValidator.Validate(value with { OwnerId = value.OwnerId ?? services.Caller.UserId }, errors, prefix);
                accepted.Add((input, prefix, Guid.CreateVersion7()));
            }
        }
        foreach (var duplicate in accepted.Where(a => a.Input.Domain is not null).GroupBy(a => a.Input.Domain).Where(g => g.Count() > 1))
        {
            foreach (var (_, prefix, _) in duplicate.Skip(1))
            {
                errors[prefix + "domain"] = [$"Another item of this batch has the domain {duplicate.Key}."];
            }
        }
        await CompanyReferences.CheckAsync(services, accepted, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The batch is not valid; nothing was created.");
        }

        var created = new List<Company>();
        foreach (var (input, _, id) in accepted)
        {
            var company = new Company { Id = id, Name = "", CreatedBy = services.Caller.UserId, UpdatedBy = services.Caller.UserId };
            input.Apply(company);
            services.Db.Companies.Add(company);
            services.Audit.Created(EntityType, company.Id, services.Audit.Snapshot(company.ToInput()));
            created.Add(company);
        }
        // One SaveChanges: one transaction, so a duplicate found by the database undoes the whole batch.
        var saved = await SaveAsync(services, cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status200OK, null, ToBatchResponse(created), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        return TypedResults.Ok(ToBatchResponse(created));
    }

    internal static async Task<IResult> PatchAsync(Guid id, [AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var request = services.HttpContext.Request;
        var company = await services.Visible.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(request, company.Version) is { } precondition)
        {
            return precondition;
        }

        var before = company.ToInput();
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = CompanyValidator.Validate(patched.Value!, errors);
        await CompanyReferences.CheckAsync(services, [(input, "", company.Id)], errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        input.Apply(company);
        if (services.Audit.Updated(EntityType, company.Id, services.Audit.Snapshot(before), services.Audit.Snapshot(company.ToInput())))
        {
            company.UpdatedBy = services.Caller.UserId;
            company.UpdatedAt = services.Clock.GetUtcNow();
            if (ETags.TryParseVersion(request, out var expected))
            {
                services.Db.Entry(company).ExpectVersion(expected);
            }
            if (await SaveAsync(services, cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        services.HttpContext.Response.SetETag(company.Version);
        return TypedResults.Ok(company.ToResponse());
    }

    internal static async Task<IResult> DeleteAsync(Guid id, [AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var company = await services.Visible.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, company.Version) is { } precondition)
        {
            return precondition;
        }
        var now = services.Clock.GetUtcNow();
        company.DeletedAt = company.UpdatedAt = now;
        company.UpdatedBy = services.Caller.UserId;
        services.Audit.Deleted(EntityType, company.Id, now);
        if (await SaveAsync(services, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        return TypedResults.NoContent();
    }

    internal static async Task<IResult> RestoreAsync(Guid id, [AsParameters] CompanyServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var company = await services.Deleted.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (company is null)
        {
            return NotFound();
        }
        services.Audit.Restored(EntityType, company.Id, company.DeletedAt!.Value);
        company.DeletedAt = null;
        company.UpdatedAt = services.Clock.GetUtcNow();
        company.UpdatedBy = services.Caller.UserId;
        if (await SaveAsync(services, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        services.HttpContext.Response.SetETag(company.Version);
        return TypedResults.Ok(company.ToResponse());
    }

    /// <summary>Saves the request's changes (the record, its audit rows, the idempotency key) in one transaction.</summary>
    private static Task<SaveFailure?> SaveAsync(CompanyServices services, CancellationToken cancellationToken, Action? beforeCommit = null) =>
        ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken, beforeCommit);

    private static ProblemHttpResult NotFound() => ResourceRequests.NotFound("company");

    private static CompanyBatchResponse ToBatchResponse(List<Company> created) => new([.. created.Select(c => c.ToResponse())]);
}
