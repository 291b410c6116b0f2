using System.Data.Common;
using Crm.Domain;
using Crm.Domain.Imports;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Imports;

/// <summary>A job a worker has claimed: whose it is, and the token of this claim.</summary>
internal sealed record ImportClaim(Guid JobId, Guid WorkspaceId, Guid CreatedBy, Guid LeaseToken, int Attempts);

/// <summary>
/// A worker's hold on a job (import_jobs' lease columns). A claim takes the oldest queued job, or a running one whose
/// lease ran out (its worker died), with <c>FOR UPDATE SKIP LOCKED</c>, so concurrent workers on any number of replicas
/// never take the same job; it writes a new token. Every later change of the job (progress, the end) is made only while
/// the job is still running under that token, in the transaction of the chunk it counts, so a worker that lost its
/// lease, or whose job was cancelled, cannot commit another chunk, and a chunk is counted exactly once.
/// </summary>
internal sealed class ImportJobLease(CrmDbContext db, ImportClaim claim, TimeProvider clock, TimeSpan duration)
{
    /// <summary>
    /// Claims a job of any workspace, on a connection acting for no workspace that names itself the import worker
    /// (policy import_worker_claims of migration 0011); null when there is none to run.
    /// </summary>
    public static async Task<ImportClaim?> ClaimAsync(CrmDbContext workerDb, TimeProvider clock, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await workerDb.Database.BeginTransactionAsync(cancellationToken);
        var connection = workerDb.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT set_config('crm.worker', 'imports', true);
            UPDATE import_jobs
            SET status = 'running', lease_token = @token, lease_expires_at = @expires, attempts = attempts + 1,
                started_at = coalesce(started_at, @now)
            WHERE id = (SELECT id FROM import_jobs
                        WHERE status IN ('queued', 'running') AND (status = 'queued' OR lease_expires_at < @now)
                        ORDER BY created_at, id
                        LIMIT 1
                        FOR UPDATE SKIP LOCKED)
            RETURNING id, workspace_id, created_by, lease_token, attempts
            """;
        Add(command, "token", Guid.CreateVersion7());
        Add(command, "expires", now + duration);
        Add(command, "now", now);
        ImportClaim? claim = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                claim = new ImportClaim(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetInt32(4));
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return claim;
    }

    /// <summary>Records the number of rows once the file has been read; false when the lease is lost.</summary>
    public async Task<bool> SetTotalAsync(int total, CancellationToken cancellationToken) =>
        await Held().ExecuteUpdateAsync(s => s
            .SetProperty(j => j.RowsTotal, total)
            .SetProperty(j => j.LeaseExpiresAt, Expiry()), cancellationToken) == 1;

    /// <summary>Adds a chunk's counts and renews the lease, in the chunk's transaction; false when the lease is lost (roll back).</summary>
    public async Task<bool> RecordAsync(ImportReport chunk, CancellationToken cancellationToken) =>
        await Held().ExecuteUpdateAsync(s => s
            .SetProperty(j => j.RowsProcessed, j => j.RowsProcessed + chunk.Processed)
            .SetProperty(j => j.RowsCreated, j => j.RowsCreated + chunk.Created)
            .SetProperty(j => j.RowsUpdated, j => j.RowsUpdated + chunk.Updated)
            .SetProperty(j => j.RowsSkipped, j => j.RowsSkipped + chunk.Skipped)
            .SetProperty(j => j.RowsFailed, j => j.RowsFailed + chunk.Failed)
            .SetProperty(j => j.LeaseExpiresAt, Expiry()), cancellationToken) == 1;

    public Task<bool> CompleteAsync(CancellationToken cancellationToken) => FinishAsync(ImportJobStatus.Completed, null, cancellationToken);

    public Task<bool> FailAsync(string message, CancellationToken cancellationToken) => FinishAsync(ImportJobStatus.Failed, message, cancellationToken);

    /// <summary>Hands the job back (the worker is stopping): queued again, for the next worker to resume where this one stopped.</summary>
    public async Task<bool> ReleaseAsync(CancellationToken cancellationToken) =>
        await Held().ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, ImportJobStatus.Queued)
            .SetProperty(j => j.LeaseToken, (Guid?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken) == 1;

    /// <summary>Ends the job and deletes its file, which nothing needs any more.</summary>
    private async Task<bool> FinishAsync(ImportJobStatus status, string? message, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var finished = await Held().ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.ErrorMessage, message)
            .SetProperty(j => j.FinishedAt, clock.GetUtcNow())
            .SetProperty(j => j.LeaseToken, (Guid?)null)
            .SetProperty(j => j.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken) == 1;
        if (finished)
        {
            await db.ImportJobFiles.Where(f => f.JobId == claim.JobId).ExecuteDeleteAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return finished;
    }

    private IQueryable<ImportJob> Held() =>
        db.ImportJobs.Where(j => j.Id == claim.JobId && j.LeaseToken == claim.LeaseToken && j.Status == ImportJobStatus.Running);

    private DateTimeOffset Expiry() => clock.GetUtcNow() + duration;

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
