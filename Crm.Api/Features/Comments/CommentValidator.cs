using Crm.Api.Features.Notes;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Comments;

namespace Crm.Api.Features.Comments;

/// <summary>Checks what a comment's author writes: content (markdown, stored as written, not blank) and mentions.</summary>
internal static class CommentValidator
{
    /// <summary>A reaction is a short token such as an emoji or ":+1:".</summary>
    public const int MaxReactionLength = 32;

    /// <summary>Distinct reactions on one comment.</summary>
    public const int MaxReactions = 20;

    public static CommentEdit Validate(CommentEdit edit, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[field] = [message];

        var normalized = edit with { Mentions = [.. edit.Mentions.Distinct()] };
        if (string.IsNullOrWhiteSpace(normalized.Content))
        {
            Fail("content", "Write something.");
        }
        InputRules.CheckLengths([("content", normalized.Content, Comment.MaxContentLength)], Fail);
        Mentions.Check(normalized.Mentions, Fail);
        return normalized;
    }

    public static CommentInput Validate(CommentInput input, Dictionary<string, string[]> errors)
    {
        var edit = Validate(new CommentEdit { Content = input.Content, Mentions = input.Mentions }, errors);
        if (input.EntityType is null)
        {
            errors["entityType"] = ["Give what the comment is on: note, task, activity or deal."];
        }
        if (input.EntityId is null)
        {
            errors["entityId"] = ["Give the id of the record the comment is on."];
        }
        return input with { Mentions = edit.Mentions };
    }

    public static bool IsReaction(string reaction) =>
        reaction.Length is > 0 and <= MaxReactionLength && !reaction.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));
}
