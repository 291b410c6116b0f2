using Crm.Domain.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Tenancy;

/// <summary>A tenant: one company using the CRM. Every business record belongs to exactly one.</summary>
public sealed class Workspace
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>PostgreSQL's xmin: the ETag of <c>GET /api/v1/workspace</c>, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public required string Name { get; set; }

    /// <summary>URL-safe and unique: lower-case letters, digits and inner hyphens.</summary>
    public required string Slug { get; set; }

    public string? LogoUrl { get; set; }

    public WorkspacePlan Plan { get; set; } = WorkspacePlan.Free;

    public SubscriptionStatus SubscriptionStatus { get; set; } = SubscriptionStatus.Active;

    public DateTimeOffset? TrialEndsAt { get; set; }

    public string Timezone { get; set; } = "UTC";

    public string Currency { get; set; } = "USD";

    public string Locale { get; set; } = "en-US";

    /// <summary>JSON objects (jsonb): workspace preferences, enabled features, plan limits, usage counters.</summary>
    public string Settings { get; set; } = "{}";

    public string Features { get; set; } = "{}";

    public string Limits { get; set; } = "{}";

    public string UsageMetrics { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(LowerSnakeJsonEnumConverter<WorkspacePlan>))]
public enum WorkspacePlan
{
    Free,
    Starter,
    Professional,
    Enterprise,
}

[System.Text.Json.Serialization.JsonConverter(typeof(LowerSnakeJsonEnumConverter<SubscriptionStatus>))]
public enum SubscriptionStatus
{
    Trialing,
    Active,
    PastDue,
    Cancelled,
    Suspended,
    Expired,
}

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.ToTable("workspaces");
        builder.Property(w => w.Plan).HasConversion<SnakeCaseEnumConverter<WorkspacePlan>>();
        builder.Property(w => w.SubscriptionStatus).HasConversion<SnakeCaseEnumConverter<SubscriptionStatus>>();
        builder.Property(w => w.Currency).IsFixedLength();
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(w => w.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        foreach (var json in new[] { nameof(Workspace.Settings), nameof(Workspace.Features), nameof(Workspace.Limits), nameof(Workspace.UsageMetrics) })
        {
            builder.Property(json).HasColumnType("jsonb");
        }
        builder.Property(w => w.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(w => w.UpdatedAt).HasDefaultValueSql("now()");
    }
}
