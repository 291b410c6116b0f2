namespace Crm.Domain.Tenancy;

/// <summary>A row that records who changed it last, and when: business records, and the rows that belong to them (stages, line items).</summary>
public interface IChangeStamped
{
    Guid? UpdatedBy { get; set; }

    DateTimeOffset UpdatedAt { get; set; }
}
