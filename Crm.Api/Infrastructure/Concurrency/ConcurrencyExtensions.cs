using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Crm.Api.Infrastructure.Concurrency;

/// <summary>Closes the gap between the If-Match check and the UPDATE.</summary>
public static class ConcurrencyExtensions
{
    /// <summary>
    /// Makes SaveChanges update the row only if it still has <paramref name="expectedVersion"/> (EF adds
    /// <c>WHERE xmin = @expected</c>), so a write by someone else after our read fails with
    /// <see cref="DbUpdateConcurrencyException"/> — answer it with <see cref="ETags.StalePrecondition"/>.
    /// </summary>
    public static void ExpectVersion(this EntityEntry entry, uint expectedVersion, string versionProperty = "Version") =>
        entry.Property(versionProperty).OriginalValue = expectedVersion;
}
