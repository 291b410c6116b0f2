namespace Crm.Domain.Tenancy;

/// <summary>A row that belongs to one workspace: filtered by workspace in every query, and stamped with it on insert.</summary>
public interface ITenantOwned
{
    Guid WorkspaceId { get; set; }
}
