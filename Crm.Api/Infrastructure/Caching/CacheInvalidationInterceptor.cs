using System.Runtime.CompilerServices;
using Crm.Domain.Contacts;
using Crm.Domain.Pipelines;
using Crm.Domain.Records;
using Crm.Domain.Tags;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Api.Infrastructure.Caching;

/// <summary>
/// Invalidation in the writing request, so a user reads their own write at once (the outbox's
/// <see cref="CacheInvalidator"/> does it for every other writer, a moment later): the keys of the records a
/// SaveChanges touches are collected before it runs, and deleted (and the workspace's search and tag generations
/// bumped) once the change is committed: right after SaveChanges, or after the commit of the transaction it ran in.
/// A rolled-back change deletes nothing. Writes that bypass the change tracker (ExecuteUpdate, COPY, SQL) are left to
/// the outbox consumer.
/// </summary>
public sealed class CacheInvalidationInterceptor(RedisCache cache) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    // Per context (pooled contexts are reused: the set is cleared when flushed or dropped).
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { Database.CurrentTransaction: null } context)
        {
            FlushAsync(context).GetAwaiter().GetResult();
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { Database.CurrentTransaction: null } context)
        {
            await FlushAsync(context);
        }
        return result;
    }

    // Within a transaction, an earlier SaveChanges may still commit: its keys stay until the commit or rollback.
    public override void SaveChangesFailed(DbContextErrorEventData eventData)
    {
        if (eventData.Context is { Database.CurrentTransaction: null } context)
        {
            Drop(context);
        }
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveChangesFailed(eventData);
        return Task.CompletedTask;
    }

    void IDbTransactionInterceptor.TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        FlushAsync(eventData.Context).GetAwaiter().GetResult();

    Task IDbTransactionInterceptor.TransactionCommittedAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken) =>
        FlushAsync(eventData.Context);

    void IDbTransactionInterceptor.TransactionRolledBack(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        Drop(eventData.Context);

    Task IDbTransactionInterceptor.TransactionRolledBackAsync(
        System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Drop(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>The cache keys and generations a change of these entries makes stale.</summary>
    internal static void Affected(DbContext context, ISet<string> keys, ISet<string> generations)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }
            switch (entry.Entity)
            {
                case Contact contact:
                    keys.Add(CacheKeys.Record(CacheKeys.ContactKind, contact.WorkspaceId, contact.Id));
                    break;
                case Pipeline pipeline:
                    keys.Add(CacheKeys.Record(CacheKeys.PipelineKind, pipeline.WorkspaceId, pipeline.Id));
                    keys.Add(CacheKeys.Stages(pipeline.WorkspaceId, pipeline.Id));
                    break;
                case PipelineStage stage:
                    keys.Add(CacheKeys.Record(CacheKeys.PipelineKind, stage.WorkspaceId, stage.PipelineId));
                    keys.Add(CacheKeys.Stages(stage.WorkspaceId, stage.PipelineId));
                    break;
                case Tagging { EntityType: ObjectType.Contact } tagging:
                    keys.Add(CacheKeys.Record(CacheKeys.ContactKind, tagging.WorkspaceId, tagging.EntityId));
                    break;
                case Tag tag when entry.State != EntityState.Added:
                    // A renamed, recoloured or deleted tag changes every record that carries it.
                    generations.Add(CacheKeys.TagGeneration(tag.WorkspaceId));
                    break;
            }
            if (entry.Entity is IBusinessRecord or Tagging or PipelineStage or Tag && entry.Entity is ITenantOwned owned)
            {
                generations.Add(CacheKeys.SearchGeneration(owned.WorkspaceId));
            }
        }
    }

    private void Collect(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var pending = _pending.GetOrCreateValue(context);
        lock (pending)
        {
            Affected(context, pending.Keys, pending.Generations);
        }
    }

    private async Task FlushAsync(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return;
        }
        string[] keys, generations;
        lock (pending)
        {
            (keys, generations) = ([.. pending.Keys], [.. pending.Generations]);
            pending.Keys.Clear();
            pending.Generations.Clear();
        }
        // Through the circuit: a Redis that is down must not fail a committed write (the outbox consumer retries).
        await cache.TryInvalidateAsync(keys, generations);
    }

    private void Drop(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            lock (pending)
            {
                pending.Keys.Clear();
                pending.Generations.Clear();
            }
        }
    }

    private sealed class Pending
    {
        public HashSet<string> Keys { get; } = [];

        public HashSet<string> Generations { get; } = [];
    }
}
