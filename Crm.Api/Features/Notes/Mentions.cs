using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.Notes;

/// <summary>
/// The members a note or comment mentions, by user id: the client resolves the <c>@name</c> it shows in the markdown to
/// ids, so a renamed member stays mentioned and two members of one name stay apart.
/// </summary>
internal static class Mentions
{
    public const int Max = 50;

    public static void Check(IReadOnlyList<Guid> mentions, Action<string, string> fail)
    {
        if (mentions.Count > Max)
        {
            fail("mentions", $"At most {Max} mentions.");
        }
    }

    /// <summary>Each mention must be an active member of the workspace: errors go to prefix + "mentions[2]".</summary>
    public static Task CheckMembersAsync(
        ResourceServices services, IEnumerable<(IReadOnlyList<Guid> Mentions, string Prefix)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken) =>
        ResourceRequests.CheckMembersAsync(
            services.Db, items.SelectMany(i => i.Mentions.Select((id, n) => ((Guid?)id, $"{i.Prefix}mentions[{n}]"))), errors, cancellationToken);
}
