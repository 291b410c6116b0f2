namespace Crm.Domain.Tenancy;

/// <summary>
/// A business record served by the API's shared resource pipeline (companies, contacts, and the resources to come):
/// an owner, an optimistic-concurrency version (PostgreSQL's xmin, the ETag), who created and last changed it, and a
/// soft-delete time.
/// </summary>
public interface IBusinessRecord : IOwnedRecord, IChangeStamped
{
    Guid Id { get; }

    /// <summary>xmin: changes with every update of the row; mapped with IsRowVersion.</summary>
    uint Version { get; }

    Guid? CreatedBy { get; set; }

    DateTimeOffset? DeletedAt { get; set; }
}
