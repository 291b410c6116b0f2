using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Ai;

/// <summary>
/// One AI operation (table ai_tasks, migration 0019): what it did, with which model, what it cost and how long it took.
/// A pending task is also work to do: one that failed because a provider was down waits for <see cref="RunAfter"/>.
/// </summary>
public sealed class AiTask : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public AiTaskType Type { get; set; }

    public AiTaskStatus Status { get; set; }

    public string? EntityType { get; set; }

    public Guid? EntityId { get; set; }

    public string Input { get; set; } = "{}";

    public string? Output { get; set; }

    public string? ModelProvider { get; set; }

    public string? ModelName { get; set; }

    public int? InputTokens { get; set; }

    public int? OutputTokens { get; set; }

    public decimal? CostCents { get; set; }

    public int? DurationMs { get; set; }

    public string? ErrorMessage { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset RunAfter { get; set; }

    public Guid? UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<AiTaskType>))]
public enum AiTaskType
{
    Embedding,
    LeadScoring,
    ModelTraining,
    Segmentation,
    Summarization,
    Forecast,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<AiTaskStatus>))]
public enum AiTaskStatus
{
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled,
}

internal sealed class AiTaskConfiguration : IEntityTypeConfiguration<AiTask>
{
    public void Configure(EntityTypeBuilder<AiTask> builder)
    {
        builder.ToTable("ai_tasks");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(t => t.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(t => t.UserId);
        builder.Property(t => t.Type).HasConversion<SnakeCaseEnumConverter<AiTaskType>>();
        builder.Property(t => t.Status).HasConversion<SnakeCaseEnumConverter<AiTaskStatus>>();
        builder.Property(t => t.Input).HasColumnType("jsonb");
        builder.Property(t => t.Output).HasColumnType("jsonb");
        builder.Property(t => t.CostCents).HasPrecision(12, 4);
        builder.Property(t => t.RunAfter).HasDefaultValueSql("now()");
        builder.Property(t => t.CreatedAt).HasDefaultValueSql("now()");
    }
}
