using System.Linq.Expressions;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>Query predicates and change stamps over the <see cref="IBusinessRecord"/> columns every resource has.</summary>
internal static class ResourceRecords
{
    public static Expression<Func<T, bool>> HasId<T>(Guid id) where T : class, IBusinessRecord => e => e.Id == id;

    public static Expression<Func<T, bool>> IsLive<T>() where T : class, IBusinessRecord => e => e.DeletedAt == null;

    public static Expression<Func<T, bool>> IsDeleted<T>() where T : class, IBusinessRecord => e => e.DeletedAt != null;

    /// <summary>Stamps a change: who made it, and (when given) when.</summary>
    public static void StampUpdate(this IChangeStamped record, Guid userId, DateTimeOffset? at = null)
    {
        record.UpdatedBy = userId;
        if (at is { } updatedAt)
        {
            record.UpdatedAt = updatedAt;
        }
    }
}
