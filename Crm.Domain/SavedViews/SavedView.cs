using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Records;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.SavedViews;

/// <summary>
/// A named list query of one object type (seed 001's saved_views): filters, q and sort in the list's own syntax, and
/// the columns to show. Its creator owns it; <see cref="Visibility"/> says who else sees it.
/// </summary>
public sealed class SavedView : IBusinessRecord
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public required string Name { get; set; }

    public ObjectType ObjectType { get; set; }

    /// <summary>A JSON object (jsonb): <c>{"field": {"op": value}}</c>, the list's <c>filter[field][op]=value</c>.</summary>
    public string Filters { get; set; } = "{}";

    public string? Q { get; set; }

    /// <summary>The list's sort syntax ("-leadScore,lastName"); null: the list's default.</summary>
    public string? Sort { get; set; }

    /// <summary>A JSON array (jsonb) of the field names to show, in order.</summary>
    public string Columns { get; set; } = "[]";

    public ViewVisibility Visibility { get; set; } = ViewVisibility.Private;

    /// <summary>The team that sees a view of visibility team; null otherwise.</summary>
    public Guid? TeamId { get; set; }

    /// <summary>The owner's default view of its object type; at most one per owner and object type.</summary>
    public bool IsDefault { get; set; }

    /// <summary>The view's owner, who alone may see a private view.</summary>
    Guid? IOwnedRecord.OwnerId => CreatedBy;

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ViewVisibility>))]
public enum ViewVisibility
{
    /// <summary>Its owner only.</summary>
    Private,

    /// <summary>Its owner and the members of its team.</summary>
    Team,

    /// <summary>Every member of the workspace.</summary>
    Workspace,
}

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.ToTable("saved_views");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(v => v.WorkspaceId);
        builder.HasOne<Team>().WithMany().HasForeignKey(v => new { v.WorkspaceId, v.TeamId })
            .HasPrincipalKey(t => new { t.WorkspaceId, t.Id });
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(v => v.CreatedBy).IsRequired();
        builder.HasAlternateKey(v => new { v.WorkspaceId, v.Id });
        // Named explicitly: the snake_case convention would otherwise rename Npgsql's xmin mapping to "version".
        builder.Property(v => v.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(v => v.ObjectType).HasConversion<SnakeCaseEnumConverter<ObjectType>>();
        builder.Property(v => v.Visibility).HasConversion<SnakeCaseEnumConverter<ViewVisibility>>();
        builder.Property(v => v.Filters).HasColumnType("jsonb");
        builder.Property(v => v.Columns).HasColumnType("jsonb");
        builder.Property(v => v.CreatedBy).IsRequired();
        builder.Property(v => v.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(v => v.UpdatedAt).HasDefaultValueSql("now()");
    }
}
