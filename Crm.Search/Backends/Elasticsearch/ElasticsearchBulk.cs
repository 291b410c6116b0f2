using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>
/// One action of a <c>_bulk</c> request with its NDJSON already written (the action line, and for "index" the
/// document line, each ending in a newline), so that batches can be cut by size before anything is sent.
/// </summary>
internal sealed class BulkOperation
{
    private BulkOperation(string action, string index, string id, ReadOnlyMemory<byte> ndjson)
    {
        Action = action;
        Index = index;
        Id = id;
        Ndjson = ndjson;
    }

    /// <summary>"index" or "delete".</summary>
    public string Action { get; }

    public string Index { get; }

    public string Id { get; }

    public ReadOnlyMemory<byte> Ndjson { get; }

    /// <summary>Adds or replaces <paramref name="id"/> in <paramref name="index"/> (an alias) with <paramref name="document"/>.</summary>
    public static BulkOperation ForIndex(string index, string id, string routing, Action<Utf8JsonWriter> document) =>
        new("index", index, id, Write("index", index, id, routing, document));

    /// <summary>Removes <paramref name="id"/> from <paramref name="index"/>; a 404 for it is no error.</summary>
    public static BulkOperation ForDelete(string index, string id, string routing) =>
        new("delete", index, id, Write("delete", index, id, routing, null));

    private static ReadOnlyMemory<byte> Write(string action, string index, string id, string routing, Action<Utf8JsonWriter>? document)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(action);
            writer.WriteString("_index", index);
            writer.WriteString("_id", id);
            writer.WriteString("routing", routing);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        buffer.Write("\n"u8);
        if (document is not null)
        {
            using (var writer = new Utf8JsonWriter(buffer))
            {
                document(writer);
            }
            buffer.Write("\n"u8);
        }
        return buffer.WrittenMemory;
    }
}

/// <summary>Cuts a stream of operations into <c>_bulk</c> requests of at most N operations and M bytes.</summary>
internal sealed class BulkBatcher(int maxOperations, long maxBytes)
{
    private readonly List<BulkOperation> _current = [];
    private long _bytes;

    /// <summary>
    /// Adds <paramref name="operation"/>; returns the full batch it did not fit in (to send now), or null. An operation
    /// larger than the byte limit on its own still goes, alone: Elasticsearch's http.max_content_length is the real limit.
    /// </summary>
    public IReadOnlyList<BulkOperation>? Add(BulkOperation operation)
    {
        IReadOnlyList<BulkOperation>? full = null;
        if (_current.Count > 0 && (_current.Count >= maxOperations || _bytes + operation.Ndjson.Length > maxBytes))
        {
            full = Flush();
        }
        _current.Add(operation);
        _bytes += operation.Ndjson.Length;
        return full;
    }

    /// <summary>The operations added since the last full batch (empty when none).</summary>
    public IReadOnlyList<BulkOperation> Flush()
    {
        var batch = _current.ToArray();
        _current.Clear();
        _bytes = 0;
        return batch;
    }

    public static IEnumerable<IReadOnlyList<BulkOperation>> Batches(IEnumerable<BulkOperation> operations, int maxOperations, long maxBytes)
    {
        var batcher = new BulkBatcher(maxOperations, maxBytes);
        foreach (var operation in operations)
        {
            if (batcher.Add(operation) is { } full)
            {
                yield return full;
            }
        }
        if (batcher.Flush() is { Count: > 0 } last)
        {
            yield return last;
        }
    }

    /// <summary>The body of a <c>_bulk</c> request: the operations' NDJSON one after the other.</summary>
    public static ReadOnlyMemory<byte> Body(IReadOnlyList<BulkOperation> batch)
    {
        var body = new byte[batch.Sum(operation => operation.Ndjson.Length)];
        var offset = 0;
        foreach (var operation in batch)
        {
            operation.Ndjson.Span.CopyTo(body.AsSpan(offset));
            offset += operation.Ndjson.Length;
        }
        return body;
    }
}

/// <summary>
/// Sends batches to <c>_bulk</c> with <c>require_alias=true</c> (a write to a missing alias fails instead of creating an
/// index with guessed mappings) and checks every item: items rejected with 429 (es_rejected_execution_exception: a full
/// write queue) or 503 are sent again, alone, after a backoff; a delete of a missing document is fine; any other item
/// error fails the call, after the retryable items are done, with all failures listed.
/// </summary>
internal sealed class ElasticsearchBulkWriter(ElasticsearchTransport transport, ILogger logger)
{
    private const string BulkPath = "_bulk?require_alias=true";

    public async Task WriteAsync(IEnumerable<BulkOperation> operations, CancellationToken cancellationToken)
    {
        var options = transport.Options;
        foreach (var batch in BulkBatcher.Batches(operations, options.BulkMaxDocuments, options.BulkMaxBytes))
        {
            await SendBatchAsync(batch, cancellationToken);
        }
    }

    public async Task SendBatchAsync(IReadOnlyList<BulkOperation> batch, CancellationToken cancellationToken)
    {
        var options = transport.Options;
        var pending = batch;
        var failures = new List<BulkItemFailure>();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            // The transport already retries whole-request 429/5xx; what comes back here is a final answer.
            var response = await transport.SendNdjsonAsync(BulkPath, BulkBatcher.Body(pending), cancellationToken);
            ElasticsearchTransport.EnsureSuccess(response, $"accept a bulk of {pending.Count} operations");

            var rejected = new List<BulkOperation>();
            var rejectedFailures = new List<BulkItemFailure>();
            using (var json = response.Json())
            {
                if (!json.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.True)
                {
                    break;
                }
                var items = json.RootElement.GetProperty("items");
                if (items.GetArrayLength() != pending.Count)
                {
                    throw new ElasticsearchException($"Elasticsearch answered {items.GetArrayLength()} bulk items for {pending.Count} operations.");
                }
                var index = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var operation = pending[index++];
                    var result = item.EnumerateObject().First().Value;
                    var status = result.GetProperty("status").GetInt32();
                    if (status is >= 200 and < 300 || (status == 404 && operation.Action == "delete"))
                    {
                        continue;
                    }
                    var (type, reason) = result.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                        ? (error.TryGetProperty("type", out var t) ? t.GetString() : null, error.TryGetProperty("reason", out var r) ? r.GetString() : null)
                        : (null, null);
                    var failure = new BulkItemFailure(operation.Action, operation.Index, operation.Id, status, type, reason);
                    if (status is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.ServiceUnavailable)
                    {
                        rejected.Add(operation);
                        rejectedFailures.Add(failure);
                    }
                    else
                    {
                        failures.Add(failure);
                    }
                }
            }

            if (rejected.Count > 0 && attempt >= options.MaxRetries)
            {
                failures.AddRange(rejectedFailures);
                throw new ElasticsearchBulkException(
                    $"Elasticsearch still rejected {rejected.Count} of {batch.Count} bulk operations after {options.MaxRetries} retries " +
                    $"({rejectedFailures[0].ErrorType}: {rejectedFailures[0].Reason}); giving up." + Describe(failures, rejectedFailures.Count),
                    failures);
            }
            if (rejected.Count > 0)
            {
                logger.LogWarning("Elasticsearch rejected {Rejected} of {Count} bulk operations ({ErrorType}); retry {Attempt} of {MaxRetries}",
                    rejected.Count, pending.Count, rejectedFailures[0].ErrorType, attempt + 1, options.MaxRetries);
                await Task.Delay(ElasticsearchTransport.Backoff(attempt, options.RetryBaseDelay, options.RetryMaxDelay), cancellationToken);
            }
            pending = rejected;
        }

        if (failures.Count > 0)
        {
            throw new ElasticsearchBulkException(
                $"Elasticsearch refused {failures.Count} of {batch.Count} bulk operations: " +
                $"{failures[0].Action} {failures[0].Index}/{failures[0].Id}: {failures[0].Status} {failures[0].ErrorType}: {failures[0].Reason}" +
                Describe(failures, 1),
                failures);
        }
    }

    private static string Describe(List<BulkItemFailure> failures, int alreadyNamed) =>
        failures.Count > alreadyNamed ? $" ({failures.Count - alreadyNamed} more failures; see Failures.)" : string.Empty;
}
