using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Leads;

/// <summary>
/// One change of a lead's score and why (seed 003's lead_scoring_history, table lead_score_history). Written in the
/// same transaction as the change; append-only (crm_app may not update or delete it).
/// </summary>
public sealed class LeadScoreChange : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public Guid LeadId { get; set; }

    public int OldScore { get; set; }

    public int NewScore { get; set; }

    public ScoreChangeReason Reason { get; set; }

    /// <summary>A JSON array (jsonb) of what moved the score: rule ids and points, or a model's factors.</summary>
    public string Factors { get; set; } = "[]";

    /// <summary>The model (and version) that set the score, for <see cref="ScoreChangeReason.Model"/>.</summary>
    public string? Model { get; set; }

    /// <summary>The member who set it; always set for <see cref="ScoreChangeReason.Manual"/>.</summary>
    public Guid? ChangedBy { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ScoreChangeReason>))]
public enum ScoreChangeReason
{
    /// <summary>A member set the score.</summary>
    Manual,

    /// <summary>The workspace's lead scoring rules.</summary>
    Rules,

    /// <summary>A scoring model (DESIGN.md section 9).</summary>
    Model,
}

internal sealed class LeadScoreChangeConfiguration : IEntityTypeConfiguration<LeadScoreChange>
{
    public void Configure(EntityTypeBuilder<LeadScoreChange> builder)
    {
        builder.ToTable("lead_score_history");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(h => h.WorkspaceId);
        builder.HasOne<Lead>().WithMany().HasForeignKey(h => new { h.WorkspaceId, h.LeadId })
            .HasPrincipalKey(l => new { l.WorkspaceId, l.Id }).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(h => h.ChangedBy);
        builder.Property(h => h.Reason).HasConversion<SnakeCaseEnumConverter<ScoreChangeReason>>();
        builder.Property(h => h.Factors).HasColumnType("jsonb");
        builder.Property(h => h.ChangedAt).HasDefaultValueSql("now()");
    }
}
