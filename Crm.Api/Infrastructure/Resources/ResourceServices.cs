using System.Text.Json;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Domain;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>What every business resource endpoint uses ([AsParameters]).</summary>
public sealed record ResourceServices(CrmDbContext Db, HttpContext HttpContext, IOptions<JsonOptions> JsonOptions, TimeProvider Clock)
{
    public JsonSerializerOptions Json => JsonOptions.Value.SerializerOptions;

    public CallerAccess Caller => CallerAccess.From(HttpContext.User);

    public AuditTrail Audit => new(Db, HttpContext, Json);

    /// <summary>
    /// The clock's time to the microsecond, as a timestamptz keeps it: a time stamped with it reads back the same, and
    /// compares equal to what the database computes from it.
    /// </summary>
    public DateTimeOffset Now
    {
        get
        {
            var now = Clock.GetUtcNow();
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        }
    }

    /// <summary>
    /// The live records of <paramref name="set"/> the caller sees (workspace by query filter and RLS, owner by record
    /// scope), with collections loaded as in <see cref="ResourceDefinition{TEntity, TInput, TResponse}.Scoped"/>.
    /// </summary>
    public IQueryable<T> Visible<T>(DbSet<T> set) where T : class, IBusinessRecord =>
        Caller.Visible(set, Db).Where(ResourceRecords.IsLive<T>()).AsSplitQuery();
}
