using System.Linq.Expressions;
using Crm.Domain.Activities;
using Crm.Domain.Ai;
using Crm.Domain.Auditing;
using Crm.Domain.Comments;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.CustomFields;
using Crm.Domain.Idempotency;
using Crm.Domain.Identity;
using Crm.Domain.Leads;
using Crm.Domain.Notes;
using Crm.Domain.Notifications;
using Crm.Domain.Imports;
using Crm.Domain.Persistence;
using Crm.Domain.Pipelines;
using Crm.Domain.Products;
using Crm.Domain.Tasks;
using Crm.Domain.SavedViews;
using Crm.Domain.Tags;
using Crm.Domain.Tenancy;
using Crm.Domain.Territories;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Crm.Domain;

/// <summary>
/// The EF Core map of the CRM schema. The schema itself is owned by the SQL files in Migrations/ (EF does not create
/// tables). Workspace isolation is enforced twice (DESIGN.md section 6): a query filter on every
/// <see cref="ITenantOwned"/> entity here, and row-level security in PostgreSQL for the <see cref="Session"/> that
/// every connection of this context is switched to.
/// </summary>
public sealed class CrmDbContext(DbContextOptions<CrmDbContext> options)
    : IdentityUserContext<CrmUser, Guid>(WithSessionInterceptor(options))
{
    /// <summary>Whom this context acts for; set when it is handed out for a request or job (<c>AddCrmDbContext</c>'s onRent).</summary>
    public TenantSession Session { get; private set; } = TenantSession.None;

    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();

    public DbSet<MemberInvitation> MemberInvitations => Set<MemberInvitation>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();

    public DbSet<AuditLog> AuditLogs => Set<AuditLog>();

    public DbSet<SecurityLog> SecurityLogs => Set<SecurityLog>();

    public DbSet<Company> Companies => Set<Company>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<CompanyContact> CompanyContacts => Set<CompanyContact>();

    public DbSet<ContactRelationship> ContactRelationships => Set<ContactRelationship>();

    public DbSet<Pipeline> Pipelines => Set<Pipeline>();

    public DbSet<PipelineStage> PipelineStages => Set<PipelineStage>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Deal> Deals => Set<Deal>();

    public DbSet<DealStageChange> DealStageHistory => Set<DealStageChange>();

    public DbSet<DealLineItem> DealLineItems => Set<DealLineItem>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<Lead> Leads => Set<Lead>();

    public DbSet<LeadScoringRule> LeadScoringRules => Set<LeadScoringRule>();

    public DbSet<LeadScoreChange> LeadScoreHistory => Set<LeadScoreChange>();

    public DbSet<Activity> Activities => Set<Activity>();

    public DbSet<ActivityTemplate> ActivityTemplates => Set<ActivityTemplate>();

    public DbSet<ActivityParticipant> ActivityParticipants => Set<ActivityParticipant>();

    public DbSet<ActivityReminder> ActivityReminders => Set<ActivityReminder>();

    public DbSet<TaskItem> Tasks => Set<TaskItem>();

    public DbSet<Note> Notes => Set<Note>();

    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<Tag> Tags => Set<Tag>();

    public DbSet<Tagging> Taggings => Set<Tagging>();

    public DbSet<CustomFieldDefinition> CustomFieldDefinitions => Set<CustomFieldDefinition>();

    public DbSet<SavedView> SavedViews => Set<SavedView>();

    public DbSet<Territory> Territories => Set<Territory>();
    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<ImportJobFile> ImportJobFiles => Set<ImportJobFile>();

    public DbSet<ImportJobError> ImportJobErrors => Set<ImportJobError>();

    public DbSet<AiModel> AiModels => Set<AiModel>();

    public DbSet<AiPrediction> AiPredictions => Set<AiPrediction>();

    public DbSet<AiTask> AiTasks => Set<AiTask>();

    public DbSet<CustomerSegment> CustomerSegments => Set<CustomerSegment>();

    public DbSet<CustomerSegmentMember> CustomerSegmentMembers => Set<CustomerSegmentMember>();

    public DbSet<AiSummary> AiSummaries => Set<AiSummary>();

    public DbSet<AiForecast> AiForecasts => Set<AiForecast>();

    /// <summary>Read by the query filters for each query (EF parameterizes members of the context).</summary>
    private Guid? CurrentWorkspaceId => Session.WorkspaceId;

    /// <summary>Acts for <paramref name="session"/> from now on; connections already open keep their old session.</summary>
    public void UseSession(TenantSession session) => Session = session;

    /// <summary>
    /// Back to <see cref="TenantSession.None"/>: a pooled context is disposed into the pool, and whoever rents it next
    /// must not act for this session unless they say so.
    /// </summary>
    /// <remarks>
    /// It also closes a connection left open (OpenConnection without CloseConnection): the session is applied when a
    /// connection opens, so a pooled context handed on with its connection open would act for this session.
    /// </remarks>
    public override void Dispose()
    {
        Session = TenantSession.None;
        try
        {
            Database.CloseConnection();
        }
        catch (ObjectDisposedException)
        {
            // Disposed twice: nothing is open.
        }
        base.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        Session = TenantSession.None;
        try
        {
            await Database.CloseConnectionAsync();
        }
        catch (ObjectDisposedException)
        {
            // Disposed twice: nothing is open.
        }
        await base.DisposeAsync();
    }

    /// <summary>
    /// <paramref name="options"/> with <see cref="TenantSessionInterceptor"/>, whoever built them. Not in OnConfiguring:
    /// EF Core refuses options changed there for a pooled context (AddCrmDbContext pools).
    /// </summary>
    private static DbContextOptions<CrmDbContext> WithSessionInterceptor(DbContextOptions<CrmDbContext> options) =>
        options.FindExtension<CoreOptionsExtension>()?.Interceptors?.Contains(TenantSessionInterceptor.Instance) == true
            ? options
            : new DbContextOptionsBuilder<CrmDbContext>(options).AddInterceptors(TenantSessionInterceptor.Instance).Options;

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);

        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(ITenantOwned).IsAssignableFrom(e.ClrType)))
        {
            builder.Entity(entity.ClrType).HasQueryFilter(WorkspaceFilter(entity.ClrType));
        }
        builder.Entity<Workspace>().HasQueryFilter(w => (Guid?)w.Id == CurrentWorkspaceId);

        builder.UseSnakeCaseNames();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampWorkspace();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampWorkspace();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>New tenant rows get the session's workspace; a row of another workspace is a bug, stopped here.</summary>
    private void StampWorkspace()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.WorkspaceId == Guid.Empty && CurrentWorkspaceId is { } workspaceId)
            {
                entry.Entity.WorkspaceId = workspaceId;
            }
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted &&
                entry.Entity.WorkspaceId != CurrentWorkspaceId)
            {
                throw new InvalidOperationException(
                    $"A {entry.Metadata.ClrType.Name} of workspace {entry.Entity.WorkspaceId} cannot be saved in a session of workspace {CurrentWorkspaceId?.ToString() ?? "(none)"}.");
            }
        }
    }

    /// <summary><c>e => (Guid?)e.WorkspaceId == this.CurrentWorkspaceId</c> for one entity type.</summary>
    private LambdaExpression WorkspaceFilter(Type entityType)
    {
        var entity = Expression.Parameter(entityType, "e");
        var workspaceId = Expression.Convert(Expression.Property(entity, nameof(ITenantOwned.WorkspaceId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentWorkspaceId));
        return Expression.Lambda(Expression.Equal(workspaceId, current), entity);
    }
}
