using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Crm.Domain.Tenancy;

/// <summary>Applies the context's <see cref="TenantSession"/> to every connection EF Core opens.</summary>
internal sealed class TenantSessionInterceptor : DbConnectionInterceptor
{
    public static readonly TenantSessionInterceptor Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        SessionOf(eventData).Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        SessionOf(eventData).ApplyAsync(connection, cancellationToken);

    private static TenantSession SessionOf(ConnectionEndEventData eventData) =>
        (eventData.Context as CrmDbContext)?.Session ?? TenantSession.None;
}
