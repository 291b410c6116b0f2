using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Ai;

/// <summary>
/// The current prediction of one kind for one record (table ai_predictions, migration 0019): a lead's score or a deal's
/// win probability, with its confidence and the factors that explain it. Replaced in place when it is predicted again;
/// a lead's score history is in lead_score_history.
/// </summary>
public sealed class AiPrediction : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>The trained model; null for the cold-start rules.</summary>
    public Guid? ModelId { get; set; }

    /// <summary>The model's display name, or "rules" for the cold-start score.</summary>
    public required string Model { get; set; }

    public required string EntityType { get; set; }

    public Guid EntityId { get; set; }

    public PredictionType PredictionType { get; set; }

    /// <summary>A lead score 0–100; a win probability 0–1.</summary>
    public decimal Score { get; set; }

    public decimal Confidence { get; set; }

    /// <summary>More of the prediction (jsonb): a probability, a predicted close date.</summary>
    public string Value { get; set; } = "{}";

    /// <summary>A JSON array (jsonb) of <see cref="PredictionFactor"/>, strongest first.</summary>
    public string Factors { get; set; } = "[]";

    /// <summary>The feature values the prediction was made from (jsonb).</summary>
    public string Features { get; set; } = "{}";

    public DateTimeOffset PredictedAt { get; set; }
}

/// <summary>One reason behind a prediction: "3 meetings held: +18". Points are on the prediction's own scale.</summary>
public sealed record PredictionFactor(string Feature, string Text, double Points);

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<PredictionType>))]
public enum PredictionType
{
    LeadScore,
    DealWin,
}

internal sealed class AiPredictionConfiguration : IEntityTypeConfiguration<AiPrediction>
{
    public void Configure(EntityTypeBuilder<AiPrediction> builder)
    {
        builder.ToTable("ai_predictions");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(p => p.WorkspaceId);
        builder.HasOne<AiModel>().WithMany().HasForeignKey(p => new { p.WorkspaceId, p.ModelId })
            .HasPrincipalKey(m => new { m.WorkspaceId, m.Id });
        builder.HasIndex(p => new { p.WorkspaceId, p.EntityType, p.EntityId, p.PredictionType }).IsUnique();
        builder.Property(p => p.PredictionType).HasConversion<SnakeCaseEnumConverter<PredictionType>>();
        builder.Property(p => p.Score).HasPrecision(9, 4);
        builder.Property(p => p.Confidence).HasPrecision(5, 4);
        builder.Property(p => p.Value).HasColumnType("jsonb");
        builder.Property(p => p.Factors).HasColumnType("jsonb");
        builder.Property(p => p.Features).HasColumnType("jsonb");
        builder.Property(p => p.PredictedAt).HasDefaultValueSql("now()");
    }
}
