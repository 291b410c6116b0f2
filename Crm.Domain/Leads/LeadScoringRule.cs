using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Leads;

/// <summary>
/// One criterion of the workspace's lead scoring (seed 003's lead_scoring_rules): a lead whose <see cref="Field"/>
/// meets <see cref="Operator"/> <see cref="Value"/> gets <see cref="Points"/> (negative ones take points away).
/// A workspace setting: every member sees every rule, whatever their record scope.
/// </summary>
public sealed class LeadScoringRule : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Unique, case-insensitively, among the workspace's live rules.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public ScoringRuleType RuleType { get; set; }

    /// <summary>A lead field as the API names it (camelCase), such as <c>employeeCount</c>.</summary>
    public required string Field { get; set; }

    public ScoringOperator Operator { get; set; }

    /// <summary>What the field is compared with; a comma list for in and not_in; null for is_set and is_not_set.</summary>
    public string? Value { get; set; }

    /// <summary>-100..100, never 0.</summary>
    public int Points { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>Rules apply in this order (seed 003's priority).</summary>
    public int SortOrder { get; set; }

    /// <summary>Rules belong to the workspace, not to a member: no owner, so no record scope hides them.</summary>
    Guid? IOwnedRecord.OwnerId => null;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ScoringRuleType>))]
public enum ScoringRuleType
{
    Demographic,
    Behavioral,
    Engagement,
    Firmographic,
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ScoringOperator>))]
public enum ScoringOperator
{
    Equals,
    NotEquals,
    Contains,
    NotContains,
    GreaterThan,
    LessThan,
    In,
    NotIn,
    IsSet,
    IsNotSet,
}

internal sealed class LeadScoringRuleConfiguration : IEntityTypeConfiguration<LeadScoringRule>
{
    public void Configure(EntityTypeBuilder<LeadScoringRule> builder)
    {
        builder.ToTable("lead_scoring_rules");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(r => r.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.CreatedBy);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(r => r.UpdatedBy);
        builder.HasAlternateKey(r => new { r.WorkspaceId, r.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(r => r.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(r => r.RuleType).HasConversion<SnakeCaseEnumConverter<ScoringRuleType>>();
        builder.Property(r => r.Operator).HasConversion<SnakeCaseEnumConverter<ScoringOperator>>();
        builder.Property(r => r.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(r => r.UpdatedAt).HasDefaultValueSql("now()");
    }
}
