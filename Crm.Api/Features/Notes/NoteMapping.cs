using Crm.Domain.Notes;

namespace Crm.Api.Features.Notes;

/// <summary>Between <see cref="Note"/> and its DTOs.</summary>
internal static class NoteMapping
{
    public static NoteInput ToInput(this Note n) => new()
    {
        Content = n.Content, IsPinned = n.IsPinned, Mentions = [.. n.Mentions], ContactId = n.ContactId, CompanyId = n.CompanyId,
        DealId = n.DealId, LeadId = n.LeadId, OwnerId = n.OwnerId,
    };

    public static NoteResponse ToResponse(this Note n) => new(n.ToInput())
    {
        Id = n.Id,
        CreatedBy = n.CreatedBy,
        UpdatedBy = n.UpdatedBy,
        CreatedAt = n.CreatedAt,
        UpdatedAt = n.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="NoteValidator"/>, so normalized) input onto the note.</summary>
    public static void Apply(this NoteInput i, Note n)
    {
        n.Content = i.Content ?? "";
        n.IsPinned = i.IsPinned;
        n.Mentions = [.. i.Mentions];
        n.ContactId = i.ContactId;
        n.CompanyId = i.CompanyId;
        n.DealId = i.DealId;
        n.LeadId = i.LeadId;
        n.OwnerId = i.OwnerId;
    }
}
