using System.Text.Json;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Domain;
using Crm.Domain.Companies;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Features.Companies;

/// <summary>What every company endpoint uses ([AsParameters]).</summary>
public sealed record CompanyServices(CrmDbContext Db, HttpContext HttpContext, IOptions<JsonOptions> JsonOptions, TimeProvider Clock)
{
    public JsonSerializerOptions Json => JsonOptions.Value.SerializerOptions;

    public CallerAccess Caller => CallerAccess.From(HttpContext.User);

    public AuditTrail Audit => new(Db, HttpContext, Json);

    /// <summary>The live companies the caller sees (workspace by query filter and RLS, owner by record scope).</summary>
    public IQueryable<Company> Visible => Caller.Visible(Db.Companies, Db).Where(c => c.DeletedAt == null);

    /// <summary>The caller's soft-deleted companies, for restore.</summary>
    public IQueryable<Company> Deleted => Caller.Visible(Db.Companies, Db).Where(c => c.DeletedAt != null);
}
