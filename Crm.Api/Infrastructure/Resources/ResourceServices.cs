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

    /// <summary>The live records of <paramref name="set"/> the caller sees (workspace by query filter and RLS, owner by record scope).</summary>
    public IQueryable<T> Visible<T>(DbSet<T> set) where T : class, IBusinessRecord =>
        Caller.Visible(set, Db).Where(ResourceRecords.IsLive<T>());
}
