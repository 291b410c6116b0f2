using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Pipelines;

/// <summary>
/// A sequence of stages deals move through (seeds 001 and 003's pipelines). Workspace configuration: every member sees
/// every pipeline whatever their record scope, so it has no owner.
/// </summary>
public sealed class Pipeline : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live pipelines.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public PipelineType PipelineType { get; set; } = PipelineType.Sales;

    /// <summary>The pipeline of deals created without one; at most one live pipeline of a workspace is the default.</summary>
    public bool IsDefault { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>Days without activity after which an open deal rots; null: deals never rot.</summary>
    public int? RottingDays { get; set; }

    /// <summary>The currency of deals created in this pipeline without one.</summary>
    public string Currency { get; set; } = "USD";

    public int DisplayOrder { get; set; }

    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>A step of a pipeline (seeds 000's stages, 001 and 003's pipeline_stages).</summary>
public sealed class PipelineStage : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public uint Version { get; set; }

    public Guid PipelineId { get; set; }

    /// <summary>Unique, case-insensitively, among the pipeline's live stages.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>1-based place in the pipeline; unique among the pipeline's live stages.</summary>
    public int Position { get; set; }

    public StageKind Kind { get; set; } = StageKind.Open;

    /// <summary>0-100: the probability a deal takes when it enters the stage.</summary>
    public int DefaultProbability { get; set; }

    /// <summary>Overrides the pipeline's <see cref="Pipeline.RottingDays"/> for deals in this stage.</summary>
    public int? RottingDays { get; set; }

    /// <summary>At most this many open deals in the stage; null: no limit.</summary>
    public int? WipLimit { get; set; }

    /// <summary>A JSON array (jsonb) of the deal fields (API names) a deal needs to enter the stage.</summary>
    public string RequiredFields { get; set; } = "[]";

    /// <summary>#RRGGBB.</summary>
    public string Color { get; set; } = "#808080";

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<PipelineType>))]
public enum PipelineType
{
    Sales,
    Marketing,
    Support,
    Recruitment,
    Investor,
    Vendor,
    Custom,
}

/// <summary>Seed 003's stage_type: a deal entering a won or lost stage is closed with that status.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<StageKind>))]
public enum StageKind
{
    Open,
    Won,
    Lost,
}

internal sealed class PipelineConfiguration : IEntityTypeConfiguration<Pipeline>
{
    public void Configure(EntityTypeBuilder<Pipeline> builder)
    {
        builder.ToTable("pipelines");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId);
        builder.HasAlternateKey(p => new { p.WorkspaceId, p.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(p => p.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(p => p.PipelineType).HasConversion<SnakeCaseEnumConverter<PipelineType>>();
        builder.Property(p => p.Currency).IsFixedLength();
        builder.Property(p => p.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(p => p.UpdatedAt).HasDefaultValueSql("now()");
    }
}

internal sealed class PipelineStageConfiguration : IEntityTypeConfiguration<PipelineStage>
{
    public void Configure(EntityTypeBuilder<PipelineStage> builder)
    {
        builder.ToTable("pipeline_stages");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(s => s.WorkspaceId);
        builder.HasOne<Pipeline>().WithMany().HasForeignKey(s => new { s.WorkspaceId, s.PipelineId })
            .HasPrincipalKey(p => new { p.WorkspaceId, p.Id });
        builder.HasAlternateKey(s => new { s.WorkspaceId, s.Id });
        builder.HasAlternateKey(s => new { s.WorkspaceId, s.PipelineId, s.Id });
        builder.Property(s => s.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(s => s.Kind).HasConversion<SnakeCaseEnumConverter<StageKind>>();
        builder.Property(s => s.RequiredFields).HasColumnType("jsonb");
        builder.Property(s => s.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(s => s.UpdatedAt).HasDefaultValueSql("now()");
    }
}
