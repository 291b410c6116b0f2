using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Imports;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Imports;

/// <summary>
/// <c>/api/v1/imports</c> (docs/api.md, "Imports"): a CSV upload becomes a queued job (202) that
/// <see cref="ImportWorker"/> runs in the background; the job shows its progress and its per-row error report, and can
/// be cancelled. Jobs belong to their workspace (another workspace's job is 404); members with record scope all see
/// every job of the workspace, others their own; viewers read but cannot upload or cancel.
/// </summary>
public static class ImportEndpoints
{
    public const string Route = "/api/v1/imports";

    private const string Noun = "import";

    private static readonly ListingSchema<ImportJob> Jobs = new ListingSchema<ImportJob>("imports", j => j.Id)
        .Field("objectType", j => j.ObjectType, filterable: true)
        .Field("status", j => j.Status, filterable: true)
        .Field("createdBy", j => j.CreatedBy, filterable: true)
        .Field("createdAt", j => j.CreatedAt, sortable: true, filterable: true)
        .DefaultSort("-createdAt");

    private static readonly ListingSchema<ImportJobError> Errors = new ListingSchema<ImportJobError>("import-errors", e => e.Id)
        .Field("row", e => e.RowNumber, sortable: true, filterable: true)
        .Field("field", e => e.Field, filterable: true)
        .Field("outcome", e => e.Outcome, filterable: true)
        .DefaultSort("row");

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Route).WithTags("Imports").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapPost("/", UploadAsync)
            .WithName("CreateImport")
            .WithSummary("Upload a CSV file to import")
            .WithDescription("multipart/form-data with file, objectType (contacts, companies, leads), optional mapping (JSON {\"CSV header\": \"apiField\"}) and dedupe (skip, update). Answers 202 with the queued job; poll its Location. Idempotency-Key replays the first response.")
            .Accepts<ImportUploadForm>("multipart/form-data")
            .Produces<ImportJobResponse>(StatusCodes.Status202Accepted)
            .ProducesCreateProblems(StatusCodes.Status413PayloadTooLarge);

        group.MapGet("/", ListAsync)
            .WithName("ListImports")
            .WithSummary("List import jobs")
            .WithDescription("Newest first; filter by objectType, status, createdBy or createdAt.")
            .ProducesValidationProblem();

        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetImport")
            .WithSummary("Get an import job: its status and counts")
            .WithDescription("rowsProcessed moves after every chunk; rowsTotal is null until the worker has read the file.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/errors", ListErrorsAsync)
            .WithName("ListImportErrors")
            .WithSummary("The rows an import did not import, and why")
            .WithDescription("Failed rows (one entry per field at fault) and skipped duplicates, by row number as in the file (the header is row 1); paged and filtered like every list.")
            .Produces<ListPage<ImportRowErrorResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelImport")
            .WithSummary("Cancel an import job")
            .WithDescription("A queued job never runs; a running one stops before its next chunk. Rows already imported stay.")
            .Produces<ImportJobResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    internal static async Task<IResult> UploadAsync(
        [AsParameters] ResourceServices services, IOptions<ImportOptions> options, ImportQueueSignal signal, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var request = services.HttpContext.Request;
        var (upload, problem) = await ImportUpload.ReadAsync(request, options.Value.MaxFileBytes, services.Json, cancellationToken);
        if (upload is null)
        {
            return problem!;
        }
        var idempotency = await IdempotencyKeys.BeginAsync(request, upload.Fingerprint, services.Db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }

        var job = new ImportJob
        {
            ObjectType = upload.Target.ObjectType,
            FileName = upload.FileName,
            FileSize = upload.Content.Length,
            Mapping = upload.Columns.ToJson().ToJsonString(),
            DedupePolicy = upload.Dedupe,
            CreatedBy = services.Caller.UserId,
            CreatedAt = services.Clock.GetUtcNow(),
        };
        services.Db.ImportJobs.Add(job);
        services.Db.ImportJobFiles.Add(new ImportJobFile { JobId = job.Id, Content = upload.Content });
        var location = $"{Route}/{job.Id}";
        var response = ImportJobResponse.From(job);
        var saved = await ResourceRequests.SaveAsync(services.Db, [], cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status202Accepted, location, response, services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        signal.Notify();
        return TypedResults.Accepted(location, response);
    }

    internal static Task<Results<Ok<ListPage<ImportJobResponse>>, ValidationProblem>> ListAsync(
        ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken) =>
        Visible(services).AsNoTracking().ToListResultAsync(Jobs, query, ImportJobResponse.From, cancellationToken);

    internal static async Task<Results<Ok<ImportJobResponse>, ProblemHttpResult>> GetAsync(
        Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var job = await Visible(services).AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        return job is null ? ResourceRequests.NotFound(Noun) : TypedResults.Ok(ImportJobResponse.From(job));
    }

    internal static async Task<IResult> ListErrorsAsync(
        Guid id, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await Visible(services).AnyAsync(j => j.Id == id, cancellationToken))
        {
            return ResourceRequests.NotFound(Noun);
        }
        var page = await services.Db.ImportJobErrors.AsNoTracking().Where(e => e.JobId == id)
            .ToListResultAsync(Errors, query, ImportRowErrorResponse.From, cancellationToken);
        return page.Result;
    }

    internal static async Task<IResult> CancelAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        // Conditional, so a job that ends meanwhile keeps its end; the worker's next chunk finds the job no longer
        // running under its lease and rolls back (ImportJobLease).
        var db = services.Db;
        int cancelled;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            cancelled = await Visible(services)
                .Where(j => j.Id == id && (j.Status == ImportJobStatus.Queued || j.Status == ImportJobStatus.Running))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, ImportJobStatus.Cancelled)
                    .SetProperty(j => j.FinishedAt, services.Clock.GetUtcNow())
                    .SetProperty(j => j.LeaseToken, (Guid?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
            if (cancelled == 1)
            {
                await db.ImportJobFiles.Where(f => f.JobId == id).ExecuteDeleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        var job = await Visible(services).AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return ResourceRequests.NotFound(Noun);
        }
        if (cancelled == 0)
        {
            return ResourceRequests.Conflict($"The import has already ended ({job.Status.ToString().ToLowerInvariant()}); there is nothing to cancel.");
        }
        return TypedResults.Ok(ImportJobResponse.From(job));
    }

    /// <summary>The workspace's jobs (query filter and row-level security) the caller sees: all with scope all, else their own.</summary>
    private static IQueryable<ImportJob> Visible(ResourceServices services)
    {
        var caller = services.Caller;
        var jobs = services.Db.ImportJobs.AsQueryable();
        return caller.Scope == RecordScope.All ? jobs : jobs.Where(j => j.CreatedBy == caller.UserId);
    }
}
