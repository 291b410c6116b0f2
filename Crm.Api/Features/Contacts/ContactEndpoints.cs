using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Contacts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Contacts;

/// <summary>
/// <c>/api/v1/contacts</c>, built like <c>/api/v1/companies</c> (docs/api.md, "Companies" and "Contacts"). Another
/// workspace's contacts, and those outside the caller's record scope, answer 404 like missing ones.
/// </summary>
public static class ContactEndpoints
{
    public const string EntityType = "contact";

    public const int MaxBatchSize = ResourceRequests.MaxBatchSize;

    private const string Noun = "contact";

    private static readonly UniqueConflict[] Conflicts =
    [
        new("contacts_email_unique", "email", "A contact with this email already exists in the workspace."),
    ];

    public static IEndpointRouteBuilder MapContactEndpoints(this IEndpointRouteBuilder routes)
    {
        var contacts = routes.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        contacts.MapGet("/", ListAsync)
            .WithName("ListContacts")
            .WithSummary("List contacts")
            .WithDescription("Cursor-paged; sort, filter[field][op] and q over first name, last name and email (docs/api.md, \"Lists\").")
            .ProducesValidationProblem();

        contacts.MapGet("/{id:guid}", GetAsync)
            .WithName("GetContact")
            .WithSummary("Get a contact")
            .WithDescription("Answers its ETag, for If-Match on PATCH and DELETE.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        contacts.MapPost("/", CreateAsync)
            .WithName("CreateContact")
            .WithSummary("Create a contact")
            .WithDescription("Owned by the caller unless ownerId says otherwise. Idempotency-Key replays the first response.")
            .Accepts<ContactInput>("application/json")
            .Produces<ContactResponse>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        contacts.MapPost("/batch", CreateBatchAsync)
            .WithName("CreateContacts")
            .WithSummary("Create up to 100 contacts at once")
            .WithDescription("All or nothing, in one transaction; errors name the items by index (items[3].email).")
            .Accepts<ContactBatchRequest>("application/json")
            .Produces<ContactBatchResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        contacts.MapPatch("/{id:guid}", PatchAsync)
            .WithName("PatchContact")
            .WithSummary("Change a contact (JSON merge patch)")
            .WithDescription("Requires If-Match with the ETag read; answers the new ETag.")
            .Accepts<ContactInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<ContactResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        contacts.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteContact")
            .WithSummary("Delete a contact (soft)")
            .WithDescription("Requires If-Match. The contact leaves lists and reads until restored.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        contacts.MapPost("/{id:guid}/restore", RestoreAsync)
            .WithName("RestoreContact")
            .WithSummary("Restore a deleted contact")
            .WithDescription("409 when a live contact has taken its email meanwhile.")
            .Produces<ContactResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    internal static Task<Results<Ok<ListPage<ContactResponse>>, ValidationProblem>> ListAsync(
        ListQuery query, [AsParameters] ContactServices services, CancellationToken cancellationToken) =>
        services.Visible.AsNoTracking().ToListResultAsync(ContactListing.Schema, query, c => c.ToResponse(), cancellationToken);

    internal static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetAsync(
        Guid id, [AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        var contact = await services.Visible.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return ResourceRequests.NotFound(Noun);
        }
        services.HttpContext.Response.SetETag(contact.Version);
        return TypedResults.Ok(contact.ToResponse());
    }

    internal static async Task<IResult> CreateAsync([AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var idempotency = await IdempotencyKeys.BeginAsync(services.HttpContext.Request, body.Text!, services.Db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }

        var parsed = MergePatch.Apply(new ContactInput(), body.Text!, services.Json);
        var errors = new Dictionary<string, string[]>(parsed.Errors ?? new Dictionary<string, string[]>());
        var contact = new Contact();
        if (parsed.Value is { } value)
        {
            var input = ContactValidator.Validate(value with { OwnerId = value.OwnerId ?? services.Caller.UserId }, errors);
            await ContactReferences.CheckAsync(services, [(input, "", contact.Id)], errors, cancellationToken);
            input.Apply(contact);
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        contact.CreatedBy = contact.UpdatedBy = services.Caller.UserId;
        services.Db.Contacts.Add(contact);
        services.Audit.Created(EntityType, contact.Id, services.Audit.Snapshot(contact.ToInput()));
        var location = $"/api/v1/contacts/{contact.Id}";
        var saved = await ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status201Created, location, contact.ToResponse(), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        services.HttpContext.Response.SetETag(contact.Version);
        return TypedResults.Created(location, contact.ToResponse());
    }

    internal static async Task<IResult> CreateBatchAsync([AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var items = ResourceRequests.ParseBatch(body.Text!, Noun, out var batchError);
        if (items is null)
        {
            return batchError!;
        }
        var idempotency = await IdempotencyKeys.BeginAsync(services.HttpContext.Request, body.Text!, services.Db, cancellationToken);
        if (idempotency.Answer is { } answer)
        {
            return answer;
        }

        var errors = new Dictionary<string, string[]>();
        var accepted = new List<(ContactInput Input, string Prefix, Guid Id)>();
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"items[{i}].";
            var parsed = MergePatch.Apply(new ContactInput(), items[i], services.Json);
            foreach (var (key, messages) in parsed.Errors ?? new Dictionary<string, string[]>())
            {
                errors[key == "body" ? $"items[{i}]" : prefix + key] = messages;
            }
            if (parsed.Value is { } value)
            {
                var input = ContactValidator.Validate(value with { OwnerId = value.OwnerId ?? services.Caller.UserId }, errors, prefix);
                accepted.Add((input, prefix, Guid.CreateVersion7()));
            }
        }
        foreach (var duplicate in accepted.Where(a => a.Input.Email is not null)
                     .GroupBy(a => a.Input.Email!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            foreach (var (_, prefix, _) in duplicate.Skip(1))
            {
                errors[prefix + "email"] = [$"Another item of this batch has the email {duplicate.Key}."];
            }
        }
        await ContactReferences.CheckAsync(services, accepted, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The batch is not valid; nothing was created.");
        }

        var created = new List<Contact>();
        foreach (var (input, _, id) in accepted)
        {
            var contact = new Contact { Id = id, CreatedBy = services.Caller.UserId, UpdatedBy = services.Caller.UserId };
            input.Apply(contact);
            services.Db.Contacts.Add(contact);
            services.Audit.Created(EntityType, contact.Id, services.Audit.Snapshot(contact.ToInput()));
            created.Add(contact);
        }
        // One SaveChanges: one transaction, so a duplicate found by the database undoes the whole batch.
        var saved = await ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status200OK, null, ToBatchResponse(created), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        return TypedResults.Ok(ToBatchResponse(created));
    }

    internal static async Task<IResult> PatchAsync(Guid id, [AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var request = services.HttpContext.Request;
        var contact = await services.Visible.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return ResourceRequests.NotFound(Noun);
        }
        if (ETags.PreconditionProblem(request, contact.Version) is { } precondition)
        {
            return precondition;
        }

        var before = contact.ToInput();
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = ContactValidator.Validate(patched.Value!, errors);
        await ContactReferences.CheckAsync(services, [(input, "", contact.Id)], errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        input.Apply(contact);
        if (services.Audit.Updated(EntityType, contact.Id, services.Audit.Snapshot(before), services.Audit.Snapshot(contact.ToInput())))
        {
            contact.UpdatedBy = services.Caller.UserId;
            contact.UpdatedAt = services.Clock.GetUtcNow();
            if (ETags.TryParseVersion(request, out var expected))
            {
                services.Db.Entry(contact).ExpectVersion(expected);
            }
            if (await ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        services.HttpContext.Response.SetETag(contact.Version);
        return TypedResults.Ok(contact.ToResponse());
    }

    internal static async Task<IResult> DeleteAsync(Guid id, [AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var contact = await services.Visible.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return ResourceRequests.NotFound(Noun);
        }
        if (ETags.PreconditionProblem(services.HttpContext.Request, contact.Version) is { } precondition)
        {
            return precondition;
        }
        var now = services.Clock.GetUtcNow();
        contact.DeletedAt = contact.UpdatedAt = now;
        contact.UpdatedBy = services.Caller.UserId;
        services.Audit.Deleted(EntityType, contact.Id, now);
        if (await ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        return TypedResults.NoContent();
    }

    internal static async Task<IResult> RestoreAsync(Guid id, [AsParameters] ContactServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.CanWrite)
        {
            return CallerAccess.ReadOnly();
        }
        var contact = await services.Deleted.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (contact is null)
        {
            return ResourceRequests.NotFound(Noun);
        }
        services.Audit.Restored(EntityType, contact.Id, contact.DeletedAt!.Value);
        contact.DeletedAt = null;
        contact.UpdatedAt = services.Clock.GetUtcNow();
        contact.UpdatedBy = services.Caller.UserId;
        if (await ResourceRequests.SaveAsync(services.Db, Conflicts, cancellationToken) is { } failed)
        {
            return failed.Result;
        }
        services.HttpContext.Response.SetETag(contact.Version);
        return TypedResults.Ok(contact.ToResponse());
    }

    private static ContactBatchResponse ToBatchResponse(List<Contact> created) => new([.. created.Select(c => c.ToResponse())]);
}
