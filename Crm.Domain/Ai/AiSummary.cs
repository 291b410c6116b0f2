using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Ai;

/// <summary>
/// The summary of a record's timeline (table ai_summaries, migration 0019; seed 000's ai_summary fields), with the hash
/// of the timeline it was made from: when the timeline's hash differs, the summary is stale and is made again.
/// </summary>
public sealed class AiSummary : ITenantOwned
{
    public Guid WorkspaceId { get; set; }

    public required string EntityType { get; set; }

    public Guid EntityId { get; set; }

    public required string Summary { get; set; }

    /// <summary>A JSON array (jsonb) of the timeline's key facts, each with its date and kind.</summary>
    public string KeyFacts { get; set; } = "[]";

    /// <summary>A JSON array (jsonb) of keyphrases.</summary>
    public string Keyphrases { get; set; } = "[]";

    public SummaryMethod Method { get; set; }

    public required string Model { get; set; }

    public required string TimelineHash { get; set; }

    public int TimelineEntries { get; set; }

    public DateTimeOffset GeneratedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<SummaryMethod>))]
public enum SummaryMethod
{
    /// <summary>Written by a language model through IChatClient.</summary>
    Llm,

    /// <summary>The timeline's own most central sentences (TextRank) and keyphrases.</summary>
    Extractive,
}

/// <summary>The latest won-revenue forecast of a workspace (table ai_forecasts, migration 0019); the JSON is the worker's.</summary>
public sealed class AiForecast : ITenantOwned
{
    public Guid WorkspaceId { get; set; }

    public required string Currency { get; set; }

    public required string Method { get; set; }

    /// <summary>Won revenue by month (jsonb).</summary>
    public string History { get; set; } = "[]";

    /// <summary>Forecast months with 80% intervals (jsonb).</summary>
    public string Forecast { get; set; } = "[]";

    public string Metrics { get; set; } = "{}";

    public DateTimeOffset GeneratedAt { get; set; }
}

internal sealed class AiSummaryConfiguration : IEntityTypeConfiguration<AiSummary>
{
    public void Configure(EntityTypeBuilder<AiSummary> builder)
    {
        builder.ToTable("ai_summaries");
        builder.HasKey(s => new { s.WorkspaceId, s.EntityType, s.EntityId });
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId);
        builder.Property(s => s.Method).HasConversion<SnakeCaseEnumConverter<SummaryMethod>>();
        builder.Property(s => s.KeyFacts).HasColumnType("jsonb");
        builder.Property(s => s.Keyphrases).HasColumnType("jsonb");
        builder.Property(s => s.GeneratedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class AiForecastConfiguration : IEntityTypeConfiguration<AiForecast>
{
    public void Configure(EntityTypeBuilder<AiForecast> builder)
    {
        builder.ToTable("ai_forecasts");
        builder.HasKey(f => f.WorkspaceId);
        builder.HasOne<Workspace>().WithMany().HasForeignKey(f => f.WorkspaceId);
        builder.Property(f => f.Currency).HasColumnType("char(3)");
        builder.Property(f => f.History).HasColumnType("jsonb");
        builder.Property(f => f.Forecast).HasColumnType("jsonb");
        builder.Property(f => f.Metrics).HasColumnType("jsonb");
        builder.Property(f => f.GeneratedAt).HasDefaultValueSql("now()");
    }
}
