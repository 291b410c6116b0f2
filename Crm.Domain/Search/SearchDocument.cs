using System.Security.Cryptography;
using System.Text;

namespace Crm.Domain.Search;

/// <summary>
/// What the search index holds for one record of one workspace, whatever the backend (PostgreSQL or Elasticsearch).
/// Its fields are ranked by weight: <see cref="Title"/> first, then <see cref="Keywords"/>, then <see cref="Body"/>.
/// </summary>
/// <remarks>
/// <c>Type</c>: The record's type: one of <see cref="SearchTypes"/>.<br/>
/// <c>Title</c>: The record's name as users type it: "John Smith", "Acme Corp", a deal's or an activity's name.<br/>
/// <c>Subtitle</c>: A line shown under the title in results: "CTO · Acme Corp", "€12,000 · Negotiation".<br/>
/// <c>Keywords</c>: Exact-ish identifiers: emails, phone numbers, domains, the company's name on a contact.<br/>
/// <c>Body</c>: Free text: a description, a note's text.<br/>
/// <c>OwnerId</c>: The record's owner: record scope ("own", "team") and the owner facet filter on it.<br/>
/// <c>StageId</c>: A deal's stage (the stage facet).<br/>
/// <c>Tags</c>: The record's tag names (the tags facet).<br/>
/// </remarks>
public sealed record SearchDocument(
    Guid WorkspaceId,
    string Type,
    Guid Id,
    string Title,
    string? Subtitle,
    IReadOnlyList<string> Keywords,
    string? Body,
    Guid? OwnerId,
    Guid? StageId,
    IReadOnlyList<string> Tags,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// A hash of everything the index stores, kept beside the document: the consistency check compares it with the
    /// document the database gives now, which also finds a contact whose company was renamed after it was indexed.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder()
            .Append(Type).Append('\n').Append(Title).Append('\n').Append(Subtitle).Append('\n')
            .AppendJoin('\u001f', Keywords).Append('\n').Append(Body).Append('\n')
            .Append(OwnerId).Append('\n').Append(StageId).Append('\n').AppendJoin('\u001f', Tags);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }
}

/// <summary>The record types the index holds. Adding one is a document builder in Crm.Search and a name here.</summary>
public static class SearchTypes
{
    public const string Contact = "contact";
    public const string Company = "company";
    public const string Lead = "lead";
    public const string Deal = "deal";
    public const string Activity = "activity";
    public const string Note = "note";

    public static readonly IReadOnlyList<string> All = [Contact, Company, Lead, Deal, Activity, Note];
}
