using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Domain.Search;
using Microsoft.Extensions.Options;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>
/// The search index in Elasticsearch, over its REST API (the .NET client is not available here). See
/// docs/elasticsearch-backend.md: one index per type behind an alias, an index template with word and edge n-gram
/// analyzers, routing by workspace, <c>_bulk</c> with backoff, rebuilds by alias swap.
/// </summary>
public sealed class ElasticsearchSearchBackend : ISearchBackend
{
    private readonly ElasticsearchSearchOptions _options;
    private readonly ElasticsearchTransport _transport;
    private readonly ElasticsearchBulkWriter _bulk;
    private readonly ElasticsearchIndexDesign _design;
    private readonly TimeProvider _time;
    private readonly ILogger<ElasticsearchSearchBackend> _logger;
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private volatile bool _initialized;

    public ElasticsearchSearchBackend(
        IHttpClientFactory httpClientFactory,
        IOptions<ElasticsearchSearchOptions> options,
        ILogger<ElasticsearchSearchBackend> logger,
        TimeProvider? time = null)
    {
        _options = options.Value;
        if (_options.Validate() is { } problem)
        {
            throw new OptionsValidationException(ElasticsearchSearchOptions.SectionName, typeof(ElasticsearchSearchOptions), [problem]);
        }
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _transport = new ElasticsearchTransport(httpClientFactory, _options, logger);
        _bulk = new ElasticsearchBulkWriter(_transport, logger);
        _design = new ElasticsearchIndexDesign(_options.IndexPrefix);
    }

    public string Name => "elasticsearch";

    public async Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken cancellationToken)
    {
        if (documents.Count == 0)
        {
            return;
        }
        var operations = documents.Select(document => IndexOperation(document, _design.Alias(CheckType(document.Type)))).ToList();
        await EnsureInitializedAsync(cancellationToken);
        try
        {
            await _bulk.WriteAsync(operations, cancellationToken);
        }
        catch (ElasticsearchException exception) when (ForgetInitializationIfMissing(exception))
        {
            throw;
        }
    }

    public async Task DeleteAsync(Guid workspaceId, IReadOnlyList<SearchKey> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return;
        }
        var routing = workspaceId.ToString();
        var operations = keys
            .Select(key => BulkOperation.ForDelete(_design.Alias(CheckType(key.Type)), ElasticsearchIndexDesign.DocumentId(workspaceId, key.Id), routing))
            .ToList();
        await EnsureInitializedAsync(cancellationToken);
        try
        {
            await _bulk.WriteAsync(operations, cancellationToken);
        }
        catch (ElasticsearchException exception) when (ForgetInitializationIfMissing(exception))
        {
            throw;
        }
    }

    public async Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        var types = ElasticsearchQuery.Validate(request);
        var after = request.Cursor is { Length: > 0 } cursor ? ElasticsearchCursor.Decode(cursor, request) : null;
        var body = ElasticsearchQuery.Body(request, types, after, _options.FacetSize);
        await EnsureInitializedAsync(cancellationToken);

        // dfs_query_then_fetch: term statistics are gathered from every shard searched first, so that a type's index
        // (or a shard that holds few documents of this workspace) does not score with its own skewed idf.
        var path = $"{string.Join(',', _design.Aliases(types))}/_search?routing={request.WorkspaceId}&search_type=dfs_query_then_fetch";
        ElasticsearchResponse response;
        try
        {
            response = ElasticsearchTransport.EnsureSuccess(await _transport.SendJsonAsync(HttpMethod.Post, path, body, cancellationToken), "search");
        }
        catch (ElasticsearchException exception) when (ForgetInitializationIfMissing(exception))
        {
            throw;
        }
        using var json = response.Json();
        return ReadResults(json.RootElement, request);
    }

    internal static SearchResults ReadResults(JsonElement root, SearchRequest request)
    {
        var hits = root.GetProperty("hits").GetProperty("hits");
        var data = new List<SearchHit>(request.Limit);
        ElasticsearchCursor? next = null;
        var hasMore = false;
        foreach (var hit in hits.EnumerateArray())
        {
            if (data.Count == request.Limit)
            {
                hasMore = true;
                break;
            }
            var source = hit.GetProperty("_source");
            var score = hit.TryGetProperty("_score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
            data.Add(new SearchHit(
                source.GetProperty("type").GetString()!,
                Guid.Parse(source.GetProperty("id").GetString()!),
                source.GetProperty("title").GetString() ?? string.Empty,
                source.TryGetProperty("subtitle", out var subtitle) && subtitle.ValueKind == JsonValueKind.String ? subtitle.GetString() : null,
                score,
                Highlights(hit)));
            var sort = hit.GetProperty("sort");
            next = new ElasticsearchCursor(sort[0].GetDouble(), sort[1].GetString()!, sort[2].GetString()!, ElasticsearchCursor.HashOf(request));
        }

        var facets = new Dictionary<string, IReadOnlyList<SearchFacetValue>>();
        var aggregations = root.TryGetProperty("aggregations", out var a) ? a : default;
        foreach (var (name, _) in ElasticsearchQuery.Facets)
        {
            var values = new List<SearchFacetValue>();
            if (aggregations.ValueKind == JsonValueKind.Object && aggregations.TryGetProperty(name, out var aggregation))
            {
                foreach (var bucket in aggregation.GetProperty("buckets").EnumerateArray())
                {
                    values.Add(new SearchFacetValue(bucket.GetProperty("key").ToString(), bucket.GetProperty("doc_count").GetInt64()));
                }
            }
            facets[name] = values;
        }
        return new SearchResults(data, facets, hasMore ? next!.Encode() : null, hasMore);
    }

    /// <summary>The hit's fragments: title, keywords, body; a prefix subfield's only when its field has none.</summary>
    private static List<string> Highlights(JsonElement hit)
    {
        var fragments = new List<string>();
        if (!hit.TryGetProperty("highlight", out var highlight))
        {
            return fragments;
        }
        foreach (var (field, fallback) in ElasticsearchQuery.HighlightFields)
        {
            if (highlight.TryGetProperty(field, out var values) || (fallback is not null && highlight.TryGetProperty(fallback, out values)))
            {
                foreach (var value in values.EnumerateArray())
                {
                    if (value.GetString() is { } fragment && !fragments.Contains(fragment))
                    {
                        fragments.Add(fragment);
                    }
                }
            }
        }
        return fragments;
    }

    public async Task ReplaceAllAsync(IAsyncEnumerable<SearchDocument> documents, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var generation = ElasticsearchIndexDesign.NewGeneration(_time.GetUtcNow());
        var created = new List<string>();
        long count = 0;
        try
        {
            foreach (var type in SearchTypes.All)
            {
                var index = _design.Index(type, generation);
                // Loading goes faster without refreshes and replicas; both are restored before the swap.
                var response = await _transport.SendJsonAsync(HttpMethod.Put, index, new JsonObject
                {
                    ["settings"] = new JsonObject { ["index"] = new JsonObject { ["refresh_interval"] = "-1", ["number_of_replicas"] = 0 } },
                    ["aliases"] = new JsonObject { [_design.LoadAlias(type, generation)] = new JsonObject() },
                }, cancellationToken);
                ElasticsearchTransport.EnsureSuccess(response, $"create index {index}");
                created.Add(index);
            }

            var batcher = new BulkBatcher(_options.BulkMaxDocuments, _options.BulkMaxBytes);
            await foreach (var document in documents.WithCancellation(cancellationToken))
            {
                if (batcher.Add(IndexOperation(document, _design.LoadAlias(CheckType(document.Type), generation))) is { } full)
                {
                    await _bulk.SendBatchAsync(full, cancellationToken);
                    progress?.Report(count += full.Count);
                }
            }
            if (batcher.Flush() is { Count: > 0 } last)
            {
                await _bulk.SendBatchAsync(last, cancellationToken);
                progress?.Report(count += last.Count);
            }

            var indexes = string.Join(',', created);
            ElasticsearchTransport.EnsureSuccess(await _transport.SendJsonAsync(HttpMethod.Put, $"{indexes}/_settings", new JsonObject
            {
                ["index"] = new JsonObject { ["refresh_interval"] = null, ["number_of_replicas"] = _options.NumberOfReplicas },
            }, cancellationToken), "restore the new indexes' settings");
            ElasticsearchTransport.EnsureSuccess(await _transport.SendJsonAsync(HttpMethod.Post, $"{indexes}/_refresh", null, cancellationToken),
                "refresh the new indexes");

            var old = await SwapAliasesAsync(generation, cancellationToken);
            created.Clear();
            _logger.LogInformation("Search index rebuilt: {Count} documents in generation {Generation}", count, generation);
            await DeleteIndexesAsync(old, CancellationToken.None);
        }
        catch
        {
            // The aliases still point at the old generation, so searches never saw the half-built one: remove it. Unless
            // the swap failed only on the way back (a timeout after Elasticsearch applied it): an index an alias points
            // at is live and stays.
            await DeleteIndexesAsync(await NotAliasedAsync(created), CancellationToken.None);
            throw;
        }
    }

    private async Task<List<string>> NotAliasedAsync(List<string> indexes)
    {
        if (indexes.Count == 0)
        {
            return indexes;
        }
        try
        {
            var live = new HashSet<string>();
            foreach (var type in SearchTypes.All)
            {
                live.UnionWith(await AliasTargetsAsync(_design.Alias(type), CancellationToken.None));
            }
            return [.. indexes.Where(index => !live.Contains(index))];
        }
        catch (Exception exception) when (exception is ElasticsearchException or HttpRequestException)
        {
            _logger.LogWarning(exception, "Could not tell whether the new search indexes {Indexes} are live; leaving them", string.Join(", ", indexes));
            return [];
        }
    }

    /// <summary>
    /// Points every type's alias at the new generation in one <c>_aliases</c> request (atomic: a search sees either all
    /// old or all new indexes) and drops the load aliases. Returns the old indexes.
    /// </summary>
    private async Task<List<string>> SwapAliasesAsync(string generation, CancellationToken cancellationToken)
    {
        var actions = new JsonArray();
        var old = new List<string>();
        foreach (var type in SearchTypes.All)
        {
            var alias = _design.Alias(type);
            foreach (var index in await AliasTargetsAsync(alias, cancellationToken))
            {
                actions.Add(new JsonObject { ["remove"] = new JsonObject { ["index"] = index, ["alias"] = alias } });
                old.Add(index);
            }
            var target = _design.Index(type, generation);
            actions.Add(new JsonObject { ["add"] = new JsonObject { ["index"] = target, ["alias"] = alias, ["is_write_index"] = true } });
            actions.Add(new JsonObject { ["remove"] = new JsonObject { ["index"] = target, ["alias"] = _design.LoadAlias(type, generation) } });
        }
        ElasticsearchTransport.EnsureSuccess(
            await _transport.SendJsonAsync(HttpMethod.Post, "_aliases", new JsonObject { ["actions"] = actions }, cancellationToken),
            "swap the search aliases to the new indexes");
        return old;
    }

    /// <summary>The indexes an alias points at (none when it does not exist).</summary>
    private async Task<List<string>> AliasTargetsAsync(string alias, CancellationToken cancellationToken)
    {
        var response = await _transport.SendJsonAsync(HttpMethod.Get, $"_alias/{alias}", null, cancellationToken);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return [];
        }
        ElasticsearchTransport.EnsureSuccess(response, $"read alias {alias}");
        using var json = response.Json();
        return [.. json.RootElement.EnumerateObject().Select(property => property.Name)];
    }

    private async Task DeleteIndexesAsync(List<string> indexes, CancellationToken cancellationToken)
    {
        if (indexes.Count == 0)
        {
            return;
        }
        try
        {
            var response = await _transport.SendJsonAsync(HttpMethod.Delete, $"{string.Join(',', indexes)}?ignore_unavailable=true", null, cancellationToken);
            ElasticsearchTransport.EnsureSuccess(response, $"delete indexes {string.Join(", ", indexes)}");
        }
        catch (Exception exception) when (exception is ElasticsearchException or HttpRequestException)
        {
            // Cleanup only: a leftover index costs disk, not correctness (no alias points at it).
            _logger.LogWarning(exception, "Could not delete the search indexes {Indexes}; delete them by hand", string.Join(", ", indexes));
        }
    }

    public async IAsyncEnumerable<(SearchKey Key, string Fingerprint)> IndexedAsync(Guid workspaceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken);
        var path = $"{string.Join(',', _design.Aliases(SearchTypes.All))}/_search?routing={workspaceId}";
        JsonArray? after = null;
        while (true)
        {
            var body = new JsonObject
            {
                ["size"] = _options.IndexedPageSize,
                ["track_total_hits"] = false,
                ["_source"] = ElasticsearchIndexDesign.Strings(["type", "id", "fingerprint"]),
                ["query"] = new JsonObject
                {
                    ["bool"] = new JsonObject { ["filter"] = new JsonArray(new JsonObject { ["term"] = new JsonObject { ["workspace_id"] = workspaceId.ToString() } }) },
                },
                // (type, id) is unique within a workspace: a total order for search_after.
                ["sort"] = new JsonArray(new JsonObject { ["type"] = "asc" }, new JsonObject { ["id"] = "asc" }),
            };
            if (after is not null)
            {
                body["search_after"] = after;
            }
            var response = ElasticsearchTransport.EnsureSuccess(
                await _transport.SendJsonAsync(HttpMethod.Post, path, body, cancellationToken), "list the indexed documents");
            var page = new List<(SearchKey, string)>();
            using (var json = response.Json())
            {
                foreach (var hit in json.RootElement.GetProperty("hits").GetProperty("hits").EnumerateArray())
                {
                    var source = hit.GetProperty("_source");
                    page.Add((new SearchKey(source.GetProperty("type").GetString()!, Guid.Parse(source.GetProperty("id").GetString()!)),
                        source.TryGetProperty("fingerprint", out var fingerprint) ? fingerprint.GetString() ?? string.Empty : string.Empty));
                    after = JsonNode.Parse(hit.GetProperty("sort").GetRawText())!.AsArray();
                }
            }
            foreach (var item in page)
            {
                yield return item;
            }
            if (page.Count < _options.IndexedPageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Creates, once per process and idempotently, the index template and each type's first index with its alias. Safe
    /// when several replicas start at once: PUTting a template twice is fine, and "already exists" for the first index
    /// means another process created it. A failure is retried by the next call.
    /// </summary>
    internal async Task EnsureInitializedAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }
        await _initializing.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }
            var template = _design.Template(_options.NumberOfShards, _options.NumberOfReplicas, _options.TemplatePriority);
            ElasticsearchTransport.EnsureSuccess(
                await _transport.SendJsonAsync(HttpMethod.Put, $"_index_template/{_design.TemplateName}", template, cancellationToken),
                $"create index template {_design.TemplateName}");
            foreach (var type in SearchTypes.All)
            {
                await EnsureAliasAsync(type, cancellationToken);
            }
            _initialized = true;
        }
        finally
        {
            _initializing.Release();
        }
    }

    /// <summary>
    /// An alias deleted behind this process's back (by hand, or a test's cleanup) makes writes fail with
    /// index_not_found (require_alias) and searches too: the next call creates it again. Never catches (returns false).
    /// </summary>
    private bool ForgetInitializationIfMissing(ElasticsearchException exception)
    {
        if (exception.ErrorType == "index_not_found_exception")
        {
            _initialized = false;
        }
        return false;
    }

    private async Task EnsureAliasAsync(string type, CancellationToken cancellationToken)
    {
        var alias = _design.Alias(type);
        if (await AliasExistsAsync(alias, cancellationToken))
        {
            return;
        }
        var index = _design.Index(type, ElasticsearchIndexDesign.InitialGeneration);
        var response = await _transport.SendJsonAsync(HttpMethod.Put, index, new JsonObject
        {
            ["aliases"] = new JsonObject { [alias] = new JsonObject { ["is_write_index"] = true } },
        }, cancellationToken);
        if (response.IsSuccess)
        {
            _logger.LogInformation("Created search index {Index} behind alias {Alias}", index, alias);
            return;
        }
        if (response.Error().Type != "resource_already_exists_exception")
        {
            ElasticsearchTransport.EnsureSuccess(response, $"create index {index}");
        }
        // Another process created it, normally with the alias in the same request; if it has lost its alias, restore it.
        if (!await AliasExistsAsync(alias, cancellationToken))
        {
            ElasticsearchTransport.EnsureSuccess(await _transport.SendJsonAsync(HttpMethod.Post, "_aliases", new JsonObject
            {
                ["actions"] = new JsonArray(new JsonObject { ["add"] = new JsonObject { ["index"] = index, ["alias"] = alias, ["is_write_index"] = true } }),
            }, cancellationToken), $"add alias {alias} to {index}");
        }
    }

    private async Task<bool> AliasExistsAsync(string alias, CancellationToken cancellationToken)
    {
        var response = await _transport.SendAsync(HttpMethod.Head, $"_alias/{alias}", null, null, cancellationToken);
        return response.Status switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw new ElasticsearchException($"Elasticsearch answered {(int)response.Status} when asked whether alias {alias} exists.", (int)response.Status),
        };
    }

    private static string CheckType(string type) =>
        SearchTypes.All.Contains(type) ? type : throw new ArgumentException($"Unknown search type '{type}'.", nameof(type));

    /// <summary>The stored document: the fields of <see cref="SearchDocument"/> plus its fingerprint.</summary>
    internal static BulkOperation IndexOperation(SearchDocument document, string index) =>
        BulkOperation.ForIndex(index, ElasticsearchIndexDesign.DocumentId(document.WorkspaceId, document.Id), document.WorkspaceId.ToString(), writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("workspace_id", document.WorkspaceId);
            writer.WriteString("type", document.Type);
            writer.WriteString("id", document.Id);
            writer.WriteString("title", document.Title);
            WriteOptional(writer, "subtitle", document.Subtitle);
            WriteArray(writer, "keywords", document.Keywords);
            WriteOptional(writer, "body", document.Body);
            WriteOptional(writer, "owner_id", document.OwnerId?.ToString());
            WriteOptional(writer, "stage_id", document.StageId?.ToString());
            WriteArray(writer, "tags", document.Tags);
            writer.WriteString("updated_at", document.UpdatedAt);
            writer.WriteString("fingerprint", document.Fingerprint());
            writer.WriteEndObject();
        });

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }
        writer.WriteEndArray();
    }
}
