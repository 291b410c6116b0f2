using System.Text.Json.Serialization;
using Crm.Domain.Identity;
using Crm.Domain.Persistence;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Comments;

/// <summary>
/// A member's comment on a note, task, activity or deal (seed 001's comments), perhaps a reply to another comment on the
/// same record. Not an owned record: whoever sees the record sees its comments.
/// </summary>
public sealed class Comment : ITenantOwned
{
    public const int MaxContentLength = 10_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    public CommentTarget EntityType { get; set; }

    public Guid EntityId { get; set; }

    /// <summary>A comment on the same record (the foreign key carries the record).</summary>
    public Guid? ParentCommentId { get; set; }

    /// <summary>Markdown, 1 to <see cref="MaxContentLength"/> characters.</summary>
    public string Content { get; set; } = "";

    /// <summary>Members of the workspace the comment mentions.</summary>
    public List<Guid> Mentions { get; set; } = [];

    /// <summary>A JSON object (jsonb): each reaction and the members who gave it, <c>{"👍": ["0199…"]}</c>.</summary>
    public string Reactions { get; set; } = "{}";

    /// <summary>The author: the only one who may edit it.</summary>
    public Guid CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>What a comment is on.</summary>
[JsonConverter(typeof(LowerSnakeJsonEnumConverter<CommentTarget>))]
public enum CommentTarget
{
    Note,
    Task,
    Activity,
    Deal,
}

internal sealed class CommentConfiguration : IEntityTypeConfiguration<Comment>
{
    public void Configure(EntityTypeBuilder<Comment> builder)
    {
        builder.ToTable("comments");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(c => c.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(c => c.CreatedBy);
        // The parent's foreign key (comments_parent_fk) includes the target columns, which are not the reply's to
        // change; it is the database's to enforce, and left out of the model.
        builder.Property(c => c.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(c => c.EntityType).HasConversion<SnakeCaseEnumConverter<CommentTarget>>();
        builder.Property(c => c.Reactions).HasColumnType("jsonb");
        builder.Property(c => c.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(c => c.UpdatedAt).HasDefaultValueSql("now()");
    }
}
