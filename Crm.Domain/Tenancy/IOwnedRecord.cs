namespace Crm.Domain.Tenancy;

/// <summary>A business record with an owner: members with record scope own or team see it through its owner.</summary>
public interface IOwnedRecord : ITenantOwned
{
    Guid? OwnerId { get; }
}
