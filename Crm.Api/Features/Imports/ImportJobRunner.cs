using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Persistence;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Imports;
using Crm.Domain.Tenancy;
using Crm.ServiceDefaults.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Features.Imports;

/// <summary>
/// Runs one claimed import job: in a tenant session of the job's workspace and its creator (so row-level security and
/// the creator's record scope hold as for their own requests), it reads the file, skips the rows earlier claims
/// already counted (a job resumed after a crash goes on where it stopped), and imports the rest chunk by chunk, each in
/// one transaction with its report rows and its counts. One span per job, one log line per chunk and one at the end.
/// </summary>
internal sealed class ImportJobRunner(
    IDbContextFactory<CrmDbContext> contexts,
    IServiceScopeFactory scopes,
    CurrentMembership memberships,
    IOptions<JsonOptions> jsonOptions,
    IOptions<ImportOptions> options,
    ServiceInstrumentation instrumentation,
    TimeProvider clock,
    ILogger<ImportJobRunner> logger)
{
    private const string NoLongerWriter = "The member who started the import may no longer change records of this workspace.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Counter<long> _rows = instrumentation.Meter.CreateCounter<long>(
        "crm.imports.rows", description: "Rows of imported files, by outcome (created, updated, skipped, failed)");

    /// <summary>The file's text, or null when it is not UTF-8 (the upload refuses such files).</summary>
    public static string? Decode(byte[] content)
    {
        try
        {
            return StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public async Task RunAsync(ImportClaim claim, CancellationToken cancellationToken)
    {
        using var activity = instrumentation.ActivitySource.StartActivity("import job");
        activity?.SetTag("crm.import.job_id", claim.JobId);
        activity?.SetTag("crm.workspace_id", claim.WorkspaceId);
        activity?.SetTag("crm.import.attempt", claim.Attempts);
        var started = Stopwatch.GetTimestamp();

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(claim.WorkspaceId, claim.CreatedBy));
        var lease = new ImportJobLease(db, claim, clock, options.Value.LeaseDuration);
        try
        {
            var job = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == claim.JobId, cancellationToken);
            activity?.SetTag("crm.import.object_type", job.ObjectType);
            var end = await ImportAsync(db, job, claim, lease, cancellationToken);
            var finished = end switch
            {
                { LeaseLost: true } => false,
                { Failure: { } failure } => await lease.FailAsync(failure, cancellationToken),
                _ => await lease.CompleteAsync(cancellationToken),
            };
            var final = await db.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == claim.JobId, cancellationToken);
            activity?.SetTag("crm.import.status", final.Status.ToString());
            activity?.SetTag("crm.import.rows", final.RowsProcessed);
            logger.LogInformation(
                "Import {JobId} ({ObjectType}) {Status}: {Rows} rows, {Created} created, {Updated} updated, {Skipped} skipped, {Failed} failed in {Duration} ms{Reason}",
                job.Id, job.ObjectType, finished ? final.Status.ToString() : $"stopped ({final.Status})", final.RowsProcessed, final.RowsCreated,
                final.RowsUpdated, final.RowsSkipped, final.RowsFailed, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                final.ErrorMessage is null ? "" : $": {final.ErrorMessage}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host is stopping: hand the job to the next worker now rather than when the lease runs out.
            await lease.ReleaseAsync(CancellationToken.None);
            logger.LogInformation("Import {JobId} handed back: this worker is stopping", claim.JobId);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogError(e, "Import {JobId} failed on an unexpected error", claim.JobId);
            db.ChangeTracker.Clear();
            await lease.FailAsync("The import stopped on an unexpected error; the rows counted as processed were imported.", CancellationToken.None);
        }
    }

    /// <summary>Imports the job's remaining rows, to the end of the file unless the job fails or its lease is lost.</summary>
    private async Task<JobEnd> ImportAsync(CrmDbContext db, ImportJob job, ImportClaim claim, ImportJobLease lease, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (claim.Attempts > settings.MaxAttempts)
        {
            return JobEnd.Failed($"The import was started {settings.MaxAttempts} times without finishing; it was given up.");
        }
        if (ImportableResources.Find(job.ObjectType) is not { } target)
        {
            return JobEnd.Failed($"{job.ObjectType} cannot be imported.");
        }
        var content = await db.ImportJobFiles.Where(f => f.JobId == job.Id).Select(f => f.Content).SingleOrDefaultAsync(cancellationToken);
        if (content is null || Decode(content) is not { } text)
        {
            return JobEnd.Failed("The uploaded file is missing or is not UTF-8 text.");
        }
        if (await ActingMemberAsync(db, job, cancellationToken) is not { } member)
        {
            return JobEnd.Failed(NoLongerWriter);
        }

        var records = CsvReader.Read(text);
        var header = records.First();
        var columns = ImportColumns.FromJob(header.Fields, JsonNode.Parse(job.Mapping)!.AsObject());
        if (job.RowsTotal is null && !await lease.SetTotalAsync(records.Count() - 1, cancellationToken))
        {
            return JobEnd.Lost;
        }

        using var scope = scopes.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, User = CurrentMembership.PrincipalFor(job.CreatedBy, member) };
        var services = new ResourceServices(db, http, jsonOptions, clock);
        var run = target.Start(services, job);
        var fields = target.Fields(services.Json);
        foreach (var chunk in records.Skip(1 + job.RowsProcessed).Chunk(settings.ChunkSize))
        {
            if (await ActingMemberAsync(db, job, cancellationToken) is not { } current)
            {
                return JobEnd.Failed(NoLongerWriter);
            }
            http.User = CurrentMembership.PrincipalFor(job.CreatedBy, current);
            if (!await ImportChunkAsync(db, job, lease, run, columns, fields, chunk, cancellationToken))
            {
                return JobEnd.Lost;
            }
        }
        return JobEnd.Completed;
    }

    /// <summary>The creator's membership now, if it still lets them write (each chunk is written with their access).</summary>
    private async Task<CurrentMember?> ActingMemberAsync(CrmDbContext db, ImportJob job, CancellationToken cancellationToken) =>
        await memberships.FindAsync(db, job.WorkspaceId, job.CreatedBy, cancellationToken) is { Role: not MemberRole.Viewer } member
            ? member
            : null;

    /// <summary>One chunk in one transaction: its records, its report rows and its counts; false when the lease was lost (rolled back).</summary>
    private async Task<bool> ImportChunkAsync(
        CrmDbContext db, ImportJob job, ImportJobLease lease, IImportRun run, ImportColumns columns, ImportFields fields,
        CsvRecord[] chunk, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var report = new ImportReport(job);
        var rows = new List<ImportRow>(chunk.Length);
        foreach (var record in chunk)
        {
            if (record.Error is { } error)
            {
                report.Fail(record.Row, error);
            }
            else if (record.Fields.Count != columns.Headers.Count)
            {
                report.Fail(record.Row, $"The row has {record.Fields.Count} fields; the header has {columns.Headers.Count}.");
            }
            else
            {
                rows.Add(new ImportRow(record.Row, columns.Read(record.Fields, fields)));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await run.ImportAsync(rows, report, cancellationToken);
        await StagedCopy.InsertAsync(db, report.Issues, skipConflicts: false, cancellationToken);
        if (!await lease.RecordAsync(report, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("Import {JobId} stopped before row {Row}: cancelled, or its lease passed to another worker", job.Id, chunk[0].Row);
            return false;
        }
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();

        foreach (var (outcome, count) in new[] { ("created", report.Created), ("updated", report.Updated), ("skipped", report.Skipped), ("failed", report.Failed) })
        {
            _rows.Add(count, new KeyValuePair<string, object?>("crm.import.outcome", outcome), new KeyValuePair<string, object?>("crm.import.object_type", job.ObjectType));
        }
        logger.LogInformation(
            "Import {JobId} rows {FirstRow}-{LastRow}: {Created} created, {Updated} updated, {Skipped} skipped, {Failed} failed in {Duration} ms",
            job.Id, chunk[0].Row, chunk[^1].Row, report.Created, report.Updated, report.Skipped, report.Failed,
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    /// <summary>How a run ended: every row done, a failure of the whole job, or the lease lost (cancelled, or taken over).</summary>
    private sealed record JobEnd(string? Failure, bool LeaseLost)
    {
        public static readonly JobEnd Completed = new(null, false);

        public static readonly JobEnd Lost = new(null, true);

        public static JobEnd Failed(string failure) => new(failure, false);
    }
}
