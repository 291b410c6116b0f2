using Crm.Domain.Activities;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Identity;
using Crm.Domain.Leads;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Crm.Domain.Notes;

/// <summary>Markdown written about a contact, company, deal or lead (seed 001's notes).</summary>
public sealed class Note : IBusinessRecord, ILinkedRecord
{
    public const int MaxContentLength = 20_000;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid WorkspaceId { get; set; }

    /// <summary>PostgreSQL's xmin: the ETag of the API, and the concurrency token of every update.</summary>
    public uint Version { get; set; }

    /// <summary>Markdown, 1 to <see cref="MaxContentLength"/> characters.</summary>
    public string Content { get; set; } = "";

    public bool IsPinned { get; set; }

    /// <summary>Members of the workspace the note mentions.</summary>
    public List<Guid> Mentions { get; set; } = [];

    public Guid? ContactId { get; set; }

    public Guid? CompanyId { get; set; }

    public Guid? DealId { get; set; }

    public Guid? LeadId { get; set; }

    public Guid? OwnerId { get; set; }

    public Guid? CreatedBy { get; set; }

    public Guid? UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }
}

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> builder)
    {
        builder.ToTable("notes");
        builder.HasOne<Workspace>().WithMany().HasForeignKey(n => n.WorkspaceId);
        builder.HasOne<CrmUser>().WithMany().HasForeignKey(n => n.OwnerId);
        builder.HasOne<Contact>().WithMany().HasForeignKey(n => new { n.WorkspaceId, n.ContactId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Company>().WithMany().HasForeignKey(n => new { n.WorkspaceId, n.CompanyId })
            .HasPrincipalKey(c => new { c.WorkspaceId, c.Id });
        builder.HasOne<Deal>().WithMany().HasForeignKey(n => new { n.WorkspaceId, n.DealId })
            .HasPrincipalKey(d => new { d.WorkspaceId, d.Id });
        builder.HasOne<Lead>().WithMany().HasForeignKey(n => new { n.WorkspaceId, n.LeadId })
            .HasPrincipalKey(l => new { l.WorkspaceId, l.Id });
        builder.HasAlternateKey(n => new { n.WorkspaceId, n.Id });
        builder.Property(n => n.Version).IsRowVersion().HasColumnName("xmin").HasColumnType("xid");
        builder.Property(n => n.CreatedAt).HasDefaultValueSql("now()");
        builder.Property(n => n.UpdatedAt).HasDefaultValueSql("now()");
    }
}
