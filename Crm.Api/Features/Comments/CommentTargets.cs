using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Comments;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Comments;

/// <summary>
/// The records comments are on. A comment is seen by whoever sees its record (it has no owner of its own), so every
/// comment endpoint first checks that the record is live and that the caller sees it; another workspace's record, or one
/// outside the caller's record scope, is no record at all.
/// </summary>
internal static class CommentTargets
{
    public static Task<bool> IsVisibleAsync(ResourceServices services, CommentTarget type, Guid id, CancellationToken cancellationToken)
    {
        var db = services.Db;
        return type switch
        {
            CommentTarget.Note => services.Visible(db.Notes).AnyAsync(n => n.Id == id, cancellationToken),
            CommentTarget.Task => services.Visible(db.Tasks).AnyAsync(t => t.Id == id, cancellationToken),
            CommentTarget.Activity => services.Visible(db.Activities).AnyAsync(a => a.Id == id, cancellationToken),
            CommentTarget.Deal => services.Visible(db.Deals).AnyAsync(d => d.Id == id, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }
}
