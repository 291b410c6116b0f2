using Crm.Api.Features.Timeline;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Notes;

namespace Crm.Api.Features.Notes;

/// <summary>
/// Checks a <see cref="NoteInput"/> against the rules of the notes table. Content is markdown, so it is stored as
/// written (not trimmed) but must not be blank. Errors are keyed by the camelCase field, after <c>prefix</c>
/// ("items[3].") in a batch.
/// </summary>
internal static class NoteValidator
{
    public static NoteInput Validate(NoteInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with { Mentions = [.. input.Mentions.Distinct()] };
        if (string.IsNullOrWhiteSpace(normalized.Content))
        {
            Fail("content", "Write something.");
        }
        InputRules.CheckLengths([("content", normalized.Content, Note.MaxContentLength)], Fail);
        Mentions.Check(normalized.Mentions, Fail);
        if (!RecordLinks.Any(normalized))
        {
            Fail("contactId", RecordLinks.Required);
        }
        return normalized;
    }
}
