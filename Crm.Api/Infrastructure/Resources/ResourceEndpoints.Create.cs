using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Patching;

namespace Crm.Api.Infrastructure.Resources;

/// <summary>The creating handlers: one record, or a batch of them all or nothing. Both honour Idempotency-Key.</summary>
internal sealed partial class ResourceEndpoints<TEntity, TInput, TResponse>
{
    public async Task<IResult> CreateAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var post = await ResourceRequests.BeginJsonPostAsync(services, cancellationToken);
        if (post.Answer is { } answer)
        {
            return answer;
        }

        var parsed = MergePatch.Apply(new TInput(), post.Body!, services.Json);
        var errors = new Dictionary<string, string[]>(parsed.Errors ?? new Dictionary<string, string[]>());
        var id = Guid.CreateVersion7();
        var input = parsed.Value is { } value ? resource.Validate(resource.OwnedByDefault(value, services.Caller.UserId), errors, "") : null;
        if (input is not null)
        {
            await resource.CheckCustomFieldsAsync(services, [(input, "", null)], errors, cancellationToken);
            input = (await CheckAsync(services, [(input, "", id)], errors, cancellationToken))[0].Input;
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (await RefuseCreateAsync(services, [input!], cancellationToken) is { } refused)
        {
            return refused;
        }

        var record = await resource.AddNewAsync(services, input!, id, cancellationToken);
        var location = $"{resource.Route}/{id}";
        var saved = await SaveAsync(services, cancellationToken, beforeCommit: () =>
            post.Key?.Remember(services.Db, StatusCodes.Status201Created, location, resource.ToResponse(record), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, post.Key, services.Db, cancellationToken);
        }
        services.HttpContext.Response.SetETag(record.Version);
        return TypedResults.Created(location, resource.ToResponse(record));
    }

    public async Task<IResult> CreateBatchAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (resource.RefuseWrite(services.Caller) is { } forbidden)
        {
            return forbidden;
        }
        var body = await ResourceRequests.ReadJsonBodyAsync(services.HttpContext.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }
        var items = ResourceRequests.ParseBatch(body.Text!, resource.EntityType, out var batchError);
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
        var accepted = new List<(TInput Input, string Prefix, Guid Id)>();
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"items[{i}].";
            var parsed = MergePatch.Apply(new TInput(), items[i], services.Json);
            foreach (var (key, messages) in parsed.Errors ?? new Dictionary<string, string[]>())
            {
                errors[key == "body" ? $"items[{i}]" : prefix + key] = messages;
            }
            if (parsed.Value is { } value)
            {
                var input = resource.Validate(resource.OwnedByDefault(value, services.Caller.UserId), errors, prefix);
                accepted.Add((input, prefix, Guid.CreateVersion7()));
            }
        }
        if (resource.BatchUnique is { } unique)
        {
            CheckUniqueInBatch(unique, accepted, errors);
        }
        await resource.CheckCustomFieldsAsync(services, [.. accepted.Select(a => (a.Input, a.Prefix, (TInput?)null))], errors, cancellationToken);
        var checkedItems = await CheckAsync(services, accepted, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The batch is not valid; nothing was created.");
        }
        if (await RefuseCreateAsync(services, [.. checkedItems.Select(i => i.Input)], cancellationToken) is { } refused)
        {
            return refused;
        }

        var created = new List<TEntity>();
        foreach (var (input, _, id) in checkedItems)
        {
            created.Add(await resource.AddNewAsync(services, input, id, cancellationToken));
        }
        // One SaveChanges: one transaction, so a duplicate found by the database undoes the whole batch.
        var saved = await SaveAsync(services, cancellationToken, beforeCommit: () =>
            idempotency.Key?.Remember(services.Db, StatusCodes.Status200OK, null, ToBatchResponse(created), services.Json));
        if (saved is not null)
        {
            return await ResourceRequests.AnswerAsync(saved, idempotency.Key, services.Db, cancellationToken);
        }
        return TypedResults.Ok(ToBatchResponse(created));
    }

    /// <summary>Names every later item that repeats an earlier item's value of <paramref name="unique"/>.</summary>
    private static void CheckUniqueInBatch(
        BatchUniqueField<TInput> unique, List<(TInput Input, string Prefix, Guid Id)> accepted, Dictionary<string, string[]> errors)
    {
        var duplicates = accepted.Where(a => unique.Value(a.Input) is not null)
            .GroupBy(a => unique.Value(a.Input)!, unique.Comparer).Where(g => g.Count() > 1);
        foreach (var duplicate in duplicates)
        {
            foreach (var (_, prefix, _) in duplicate.Skip(1))
            {
                errors[prefix + unique.Field] = [$"Another item of this batch has the {unique.Field} {duplicate.Key}."];
            }
        }
    }

    private Task<IResult?> RefuseCreateAsync(ResourceServices services, IReadOnlyList<TInput> inputs, CancellationToken cancellationToken) =>
        resource.CheckCreate?.Invoke(services, inputs, cancellationToken) ?? Task.FromResult<IResult?>(null);

    private object ToBatchResponse(List<TEntity> created) => resource.ToBatchResponse([.. created.Select(resource.ToResponse)]);
}
