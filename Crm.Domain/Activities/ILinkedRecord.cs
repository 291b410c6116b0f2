namespace Crm.Domain.Activities;

/// <summary>
/// A record about a contact, company, deal or lead (activities, tasks, notes): the links that put it on those records'
/// timelines. Each link is a foreign key that carries the workspace.
/// </summary>
public interface ILinkedRecord
{
    Guid? ContactId { get; }

    Guid? CompanyId { get; }

    Guid? DealId { get; }

    Guid? LeadId { get; }
}
