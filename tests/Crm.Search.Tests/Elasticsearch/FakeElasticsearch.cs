using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Search.Backends.Elasticsearch;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>A request the fake received: method, path with query (no leading slash) and body.</summary>
public sealed record RecordedRequest(HttpMethod Method, string Path, string Body)
{
    public string PathWithoutQuery => Path.Split('?')[0];

    // The first line: the whole body for JSON, the first action for a bulk.
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Lines[0]);

    /// <summary>The NDJSON lines of a bulk body.</summary>
    public string[] Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Elasticsearch is an external service: for the unit tests a scripted HTTP handler stands in for it. Routes are
/// matched by method and path prefix, the last one registered first; unrouted requests answer 200 "{}" (and HEAD 200).
/// </summary>
public sealed class FakeElasticsearch : HttpMessageHandler
{
    public static readonly Uri BaseAddress = new("http://elasticsearch.test:9200/");

    private readonly List<(HttpMethod Method, string Path, Func<RecordedRequest, HttpResponseMessage> Respond)> _routes = [];
    private readonly Lock _lock = new();

    public List<RecordedRequest> Requests { get; } = [];

    public IEnumerable<RecordedRequest> To(HttpMethod method, string pathPrefix) =>
        Requests.Where(request => request.Method == method && request.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    public FakeElasticsearch On(HttpMethod method, string pathPrefix, Func<RecordedRequest, HttpResponseMessage> respond)
    {
        _routes.Add((method, pathPrefix, respond));
        return this;
    }

    /// <summary>Answers these responses in turn, then repeats the last one.</summary>
    public FakeElasticsearch On(HttpMethod method, string pathPrefix, params (HttpStatusCode Status, string Body)[] responses)
    {
        var next = 0;
        return On(method, pathPrefix, _ =>
        {
            var (status, body) = responses[Math.Min(next++, responses.Length - 1)];
            return Response(status, body);
        });
    }

    public static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>A <c>_bulk</c> answer for the request: one item per action line, with the given statuses in turn (default 201).</summary>
    public static HttpResponseMessage BulkResponse(RecordedRequest request, Func<int, int>? statusOf = null)
    {
        var items = new JsonArray();
        var errors = false;
        var position = 0;
        foreach (var line in request.Lines)
        {
            var action = JsonNode.Parse(line)!.AsObject();
            var (name, meta) = action.First();
            if (name is not ("index" or "delete"))
            {
                continue; // a document line
            }
            var status = statusOf?.Invoke(position++) ?? 201;
            var result = new JsonObject { ["_index"] = meta!["_index"]!.GetValue<string>(), ["_id"] = meta["_id"]!.GetValue<string>(), ["status"] = status };
            if (status >= 300 && !(status == 404 && name == "delete"))
            {
                errors = true;
                result["error"] = status == 429
                    ? new JsonObject { ["type"] = "es_rejected_execution_exception", ["reason"] = "rejected execution: write queue is full" }
                    : new JsonObject { ["type"] = "document_parsing_exception", ["reason"] = "failed to parse field [updated_at]" };
            }
            items.Add(new JsonObject { [name] = result });
        }
        var body = new JsonObject { ["took"] = 1, ["errors"] = errors, ["items"] = items };
        return Response(HttpStatusCode.OK, body.ToJsonString());
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!.PathAndQuery.TrimStart('/'), body);
        Func<RecordedRequest, HttpResponseMessage>? respond;
        lock (_lock)
        {
            Requests.Add(recorded);
            respond = _routes.LastOrDefault(route => route.Method == recorded.Method && recorded.Path.StartsWith(route.Path, StringComparison.Ordinal)).Respond;
        }
        return respond?.Invoke(recorded) ?? Response(HttpStatusCode.OK, request.Method == HttpMethod.Head ? string.Empty : "{}");
    }

    public ElasticsearchSearchBackend Backend(Action<ElasticsearchSearchOptions>? configure = null) =>
        new(new Factory(this), Options.Create(FastOptions(configure)), NullLogger<ElasticsearchSearchBackend>.Instance);

    internal ElasticsearchTransport Transport(Action<ElasticsearchSearchOptions>? configure = null) =>
        new(new Factory(this), FastOptions(configure), NullLogger.Instance);

    /// <summary>Backoff in milliseconds, so that retry tests take no time.</summary>
    public static ElasticsearchSearchOptions FastOptions(Action<ElasticsearchSearchOptions>? configure = null)
    {
        var options = new ElasticsearchSearchOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(4), MaxRetries = 3 };
        configure?.Invoke(options);
        return options;
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { BaseAddress = BaseAddress };
    }
}
