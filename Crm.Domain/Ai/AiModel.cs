using System.Text.Json.Serialization;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Ai;

/// <summary>
/// A trained model of one workspace (table ai_models, migration 0019): its version, algorithm, learned parameters and
/// held-out metrics. At most one per workspace and type is <see cref="AiModelStatus.Deployed"/>.
/// </summary>
public sealed class AiModel : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    public AiModelType ModelType { get; set; }

    public int Version { get; set; }

    public AiAlgorithm Algorithm { get; set; }

    public AiModelStatus Status { get; set; }

    /// <summary>A JSON array (jsonb) of the feature names, in the order the parameters use them.</summary>
    public string Features { get; set; } = "[]";

    public string Hyperparameters { get; set; } = "{}";

    /// <summary>The learned model, serialized (jsonb): what the worker loads to predict.</summary>
    public string Parameters { get; set; } = "{}";

    /// <summary>Held-out metrics (jsonb): AUC, log loss, Brier, calibration, and the model it was compared with.</summary>
    public string Metrics { get; set; } = "{}";

    public int TrainingRows { get; set; }

    /// <summary>Why it was deployed or rejected, in words.</summary>
    public string? Notes { get; set; }

    public DateTimeOffset? TrainedAt { get; set; }

    public DateTimeOffset? DeployedAt { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>How predictions and score history name it: "lead_scoring v3 (logistic_regression)".</summary>
    public string DisplayName =>
        $"{NamingConventions.ToSnakeCase(ModelType.ToString())} v{Version} ({NamingConventions.ToSnakeCase(Algorithm.ToString())})";
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<AiModelType>))]
public enum AiModelType
{
    LeadScoring,
    DealWin,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<AiAlgorithm>))]
public enum AiAlgorithm
{
    LogisticRegression,
    GradientBoosting,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<AiModelStatus>))]
public enum AiModelStatus
{
    /// <summary>Trained and evaluated, not (yet) compared.</summary>
    Trained,

    /// <summary>The model the workspace's predictions come from.</summary>
    Deployed,

    /// <summary>Trained but did not beat the deployed model on held-out data.</summary>
    Rejected,

    /// <summary>Was deployed; replaced by a better one.</summary>
    Retired,

    Failed,
}

internal sealed class AiModelConfiguration : IEntityTypeConfiguration<AiModel>
{
    public void Configure(EntityTypeBuilder<AiModel> builder)
    {
        builder.ToTable("ai_models");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(m => m.WorkspaceId);
        builder.HasAlternateKey(m => new { m.WorkspaceId, m.Id });
        builder.Property(m => m.ModelType).HasConversion<SnakeCaseEnumConverter<AiModelType>>();
        builder.Property(m => m.Algorithm).HasConversion<SnakeCaseEnumConverter<AiAlgorithm>>();
        builder.Property(m => m.Status).HasConversion<SnakeCaseEnumConverter<AiModelStatus>>();
        builder.Property(m => m.Features).HasColumnType("jsonb");
        builder.Property(m => m.Hyperparameters).HasColumnType("jsonb");
        builder.Property(m => m.Parameters).HasColumnType("jsonb");
        builder.Property(m => m.Metrics).HasColumnType("jsonb");
        builder.Property(m => m.CreatedAt).HasDefaultValueSql("now()");
        builder.Ignore(m => m.DisplayName);
    }
}
