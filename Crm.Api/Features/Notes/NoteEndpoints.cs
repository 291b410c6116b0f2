using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Notes;

namespace Crm.Api.Features.Notes;

/// <summary>
/// <c>/api/v1/notes</c> (docs/api.md, "Notes"): the shared endpoints of <see cref="ResourceMapping.MapResource"/>; this
/// is what is a note's own. Pinning is a PATCH of isPinned.
/// </summary>
public static class NoteEndpoints
{
    public const string EntityType = "note";

    internal static readonly ResourceDefinition<Note, NoteInput, NoteResponse> Resource = new()
    {
        EntityType = EntityType,
        Plural = "notes",
        OperationSingular = "Note",
        OperationPlural = "Notes",
        ListDescription = "Cursor-paged, newest first by default (sort=-isPinned,-createdAt puts pinned ones first); filter[field][op] and q over the content (docs/api.md, \"Lists\").",
        BatchDescription = "All or nothing, in one transaction; errors name the items by index (items[3].content).",
        RestoreDescription = "The note returns to lists and timelines.",
        Set = db => db.Notes,
        New = id => new Note { Id = id },
        Listing = NoteListing.Schema,
        ToInput = n => n.ToInput(),
        ToResponse = n => n.ToResponse(),
        Apply = (input, note) => input.Apply(note),
        OwnedByDefault = (input, userId) => input with { OwnerId = input.OwnerId ?? userId },
        Validate = NoteValidator.Validate,
        CheckReferences = NoteReferences.CheckAsync,
        Conflicts = [],
        BatchRequestType = typeof(NoteBatchRequest),
        BatchResponseType = typeof(NoteBatchResponse),
        ToBatchResponse = responses => new NoteBatchResponse(responses),
    };

    public static IEndpointRouteBuilder MapNoteEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapResource(Resource);
        return routes;
    }
}
