namespace Crm.Api.Features.Contacts;

/// <summary>
/// A contact as the lists of its links show it (a company's contacts, a contact's relationships): who it is, without
/// the whole record.
/// </summary>
public sealed record ContactSummary(Guid Id, string? FirstName, string? LastName, string? Email, string? Title)
{
    /// <summary>First and last name, whichever are set.</summary>
    public string Name => string.Join(' ', new[] { FirstName, LastName }.OfType<string>());
}
