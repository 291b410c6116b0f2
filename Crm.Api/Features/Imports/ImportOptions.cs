namespace Crm.Api.Features.Imports;

/// <summary>The <c>Imports</c> configuration section.</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>The largest file an upload may carry; a larger one is refused with 413.</summary>
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Rows validated, written and counted per transaction; the job's progress moves chunk by chunk.</summary>
    public int ChunkSize { get; set; } = 1000;

    /// <summary>How often an idle worker looks for queued jobs (a job queued on the same replica wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claim lasts unless renewed (every chunk renews it); a job whose lease ran out is claimed again.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Claims after which a job that keeps losing its worker (a crash it causes, say) is failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>False for replicas that take uploads but leave the processing to others.</summary>
    public bool WorkerEnabled { get; set; } = true;
}
