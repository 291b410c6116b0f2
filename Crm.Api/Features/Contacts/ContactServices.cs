using System.Text.Json;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Domain;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Features.Contacts;

/// <summary>What every contact endpoint uses ([AsParameters]).</summary>
public sealed record ContactServices(CrmDbContext Db, HttpContext HttpContext, IOptions<JsonOptions> JsonOptions, TimeProvider Clock)
{
    public JsonSerializerOptions Json => JsonOptions.Value.SerializerOptions;

    public CallerAccess Caller => CallerAccess.From(HttpContext.User);

    public AuditTrail Audit => new(Db, HttpContext, Json);

    /// <summary>The live contacts the caller sees (workspace by query filter and RLS, owner by record scope).</summary>
    public IQueryable<Contact> Visible => Caller.Visible(Db.Contacts, Db).Where(c => c.DeletedAt == null);

    /// <summary>The caller's soft-deleted contacts, for restore.</summary>
    public IQueryable<Contact> Deleted => Caller.Visible(Db.Contacts, Db).Where(c => c.DeletedAt != null);

    /// <summary>The live companies the caller sees, which a contact may belong to.</summary>
    public IQueryable<Company> VisibleCompanies => Caller.Visible(Db.Companies, Db).Where(c => c.DeletedAt == null);
}
