using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>The <c>_bulk</c> writer without a server: NDJSON, batching, per-item errors, backoff on 429.</summary>
public sealed class BulkTests
{
    private static readonly Guid Workspace = Guid.Parse("11111111-1111-1111-1111-111111111111");

    [Fact]
    public void An_index_operation_is_an_action_line_and_a_document_line_routed_by_workspace()
    {
        var owner = Guid.NewGuid();
        var document = TestDocuments.Make(Workspace, SearchTypes.Contact, "John \"Johnny\" Smith", body: "line one\nline two",
            ownerId: owner, tags: ["vip"], keywords: ["john@acme.com"], subtitle: "CTO · Acme");

        var operation = ElasticsearchSearchBackend.IndexOperation(document, "crm-contact");
        var ndjson = Encoding.UTF8.GetString(operation.Ndjson.Span);

        Assert.EndsWith("\n", ndjson);
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // the body's newline is escaped inside the JSON string
        var action = JsonNode.Parse(lines[0])!["index"]!;
        Assert.Equal("crm-contact", (string?)action["_index"]);
        Assert.Equal($"{Workspace}:{document.Id}", (string?)action["_id"]);
        Assert.Equal(Workspace.ToString(), (string?)action["routing"]);

        var source = JsonNode.Parse(lines[1])!;
        Assert.Equal(Workspace.ToString(), (string?)source["workspace_id"]);
        Assert.Equal("contact", (string?)source["type"]);
        Assert.Equal(document.Id.ToString(), (string?)source["id"]);
        Assert.Equal("John \"Johnny\" Smith", (string?)source["title"]);
        Assert.Equal("CTO · Acme", (string?)source["subtitle"]);
        Assert.Equal("line one\nline two", (string?)source["body"]);
        Assert.Equal(owner.ToString(), (string?)source["owner_id"]);
        Assert.Null(source["stage_id"]);
        Assert.Equal(["vip"], source["tags"]!.AsArray().Select(tag => (string?)tag));
        Assert.Equal(["john@acme.com"], source["keywords"]!.AsArray().Select(keyword => (string?)keyword));
        Assert.Equal(document.Fingerprint(), (string?)source["fingerprint"]);
        Assert.NotNull(source["updated_at"]);
    }

    [Fact]
    public void A_delete_operation_is_one_action_line()
    {
        var id = Guid.NewGuid();
        var operation = BulkOperation.ForDelete("crm-deal", $"{Workspace}:{id}", Workspace.ToString());
        var ndjson = Encoding.UTF8.GetString(operation.Ndjson.Span);

        Assert.Equal($"{{\"delete\":{{\"_index\":\"crm-deal\",\"_id\":\"{Workspace}:{id}\",\"routing\":\"{Workspace}\"}}}}\n", ndjson);
    }

    [Fact]
    public void Batches_are_cut_by_count()
    {
        var operations = Enumerable.Range(0, 1_201).Select(i => Delete(i)).ToList();

        var batches = BulkBatcher.Batches(operations, maxOperations: 500, maxBytes: long.MaxValue).ToList();

        Assert.Equal([500, 500, 201], batches.Select(batch => batch.Count));
        Assert.Equal(operations, batches.SelectMany(batch => batch));
    }

    [Fact]
    public void Batches_are_cut_by_bytes_and_an_oversized_operation_goes_alone()
    {
        var small = Enumerable.Range(0, 10).Select(i => Document(i, bodyLength: 1_000)).ToList();
        var size = small[0].Ndjson.Length;
        var huge = Document(99, bodyLength: 10_000);
        var operations = small.Take(5).Append(huge).Concat(small.Skip(5)).ToList();

        var batches = BulkBatcher.Batches(operations, maxOperations: 500, maxBytes: 3 * size + 10).ToList();

        Assert.Equal([3, 2, 1, 3, 2], batches.Select(batch => batch.Count));
        Assert.Same(huge, Assert.Single(batches[2]));
        Assert.All(batches.Where(batch => batch.Count > 1), batch => Assert.True(batch.Sum(op => op.Ndjson.Length) <= 3 * size + 10));
        Assert.Equal(operations, batches.SelectMany(batch => batch));
    }

    [Fact]
    public void The_body_is_the_operations_ndjson_in_order()
    {
        var operations = new[] { Document(1, 10), Delete(2), Document(3, 10) };

        var body = Encoding.UTF8.GetString(BulkBatcher.Body(operations).Span);

        Assert.Equal(string.Concat(operations.Select(op => Encoding.UTF8.GetString(op.Ndjson.Span))), body);
        Assert.Equal(5, body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.EndsWith("\n", body);
    }

    [Fact]
    public async Task A_429_answer_is_retried_after_a_backoff_and_then_succeeds()
    {
        var fake = new FakeElasticsearch();
        var attempts = 0;
        fake.On(HttpMethod.Post, "_bulk", request => ++attempts == 1
            ? FakeElasticsearch.Response(HttpStatusCode.TooManyRequests, """{"error":{"type":"es_rejected_execution_exception","reason":"queue full"},"status":429}""")
            : FakeElasticsearch.BulkResponse(request));
        var writer = Writer(fake);

        await writer.WriteAsync([Document(1, 10), Document(2, 10)], CancellationToken.None);

        var bulks = fake.To(HttpMethod.Post, "_bulk").ToList();
        Assert.Equal(2, bulks.Count);
        Assert.Equal(bulks[0].Body, bulks[1].Body);
        Assert.All(bulks, bulk => Assert.Equal("_bulk?require_alias=true", bulk.Path));
    }

    [Fact]
    public async Task Items_rejected_with_429_are_sent_again_alone()
    {
        var fake = new FakeElasticsearch();
        var attempts = 0;
        fake.On(HttpMethod.Post, "_bulk", request =>
            FakeElasticsearch.BulkResponse(request, position => ++attempts <= 3 && position == 1 ? 429 : 201));
        var writer = Writer(fake);
        var operations = new[] { Document(1, 10), Document(2, 10), Document(3, 10) };

        await writer.WriteAsync(operations, CancellationToken.None);

        var bulks = fake.To(HttpMethod.Post, "_bulk").ToList();
        Assert.Equal(2, bulks.Count);
        Assert.Equal(6, bulks[0].Lines.Length);
        Assert.Equal(Encoding.UTF8.GetString(operations[1].Ndjson.Span), bulks[1].Body);
    }

    [Fact]
    public async Task Rejections_past_the_retries_fail_clearly()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request, position => position == 0 ? 429 : 201));
        var writer = Writer(fake, options => options.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<ElasticsearchBulkException>(() => writer.WriteAsync([Document(1, 10), Document(2, 10)], CancellationToken.None));

        Assert.Equal(3, fake.To(HttpMethod.Post, "_bulk").Count());
        Assert.Contains("after 2 retries", error.Message);
        Assert.Contains("es_rejected_execution_exception", error.Message);
        var failure = Assert.Single(error.Failures);
        Assert.Equal(429, failure.Status);
    }

    [Fact]
    public async Task A_whole_request_answered_429_past_the_retries_fails_clearly()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", (HttpStatusCode.TooManyRequests, """{"error":{"type":"es_rejected_execution_exception","reason":"queue full"},"status":429}"""));
        var writer = Writer(fake, options => options.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => writer.WriteAsync([Document(1, 10)], CancellationToken.None));

        Assert.Equal(3, fake.To(HttpMethod.Post, "_bulk").Count());
        Assert.Equal(429, error.StatusCode);
        Assert.Contains("giving up", error.Message);
    }

    [Fact]
    public async Task A_document_Elasticsearch_refuses_fails_the_write_without_retries_and_names_it()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request, position => position == 1 ? 400 : 201));
        var writer = Writer(fake);
        var operations = new[] { Document(1, 10), Document(2, 10), Document(3, 10) };

        var error = await Assert.ThrowsAsync<ElasticsearchBulkException>(() => writer.WriteAsync(operations, CancellationToken.None));

        Assert.Single(fake.To(HttpMethod.Post, "_bulk"));
        var failure = Assert.Single(error.Failures);
        Assert.Equal((400, "document_parsing_exception", operations[1].Id), (failure.Status, failure.ErrorType, failure.Id));
        Assert.Contains(operations[1].Id, error.Message);
    }

    [Fact]
    public async Task Deleting_a_document_that_is_not_indexed_is_no_error()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request, _ => 404));
        var writer = Writer(fake);

        await writer.WriteAsync([Delete(1), Delete(2)], CancellationToken.None);

        Assert.Single(fake.To(HttpMethod.Post, "_bulk"));
    }

    [Fact]
    public async Task Writes_are_sent_in_batches()
    {
        var fake = new FakeElasticsearch();
        fake.On(HttpMethod.Post, "_bulk", request => FakeElasticsearch.BulkResponse(request));
        var writer = Writer(fake, options => options.BulkMaxDocuments = 2);

        await writer.WriteAsync(Enumerable.Range(0, 5).Select(i => Document(i, 10)), CancellationToken.None);

        Assert.Equal([4, 4, 2], fake.To(HttpMethod.Post, "_bulk").Select(bulk => bulk.Lines.Length));
    }

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(1, 100, 200)]
    [InlineData(3, 400, 800)]
    [InlineData(10, 2_500, 5_000)] // capped at RetryMaxDelay
    public void The_backoff_doubles_with_jitter_up_to_the_cap(int attempt, double minimumMs, double maximumMs)
    {
        for (var i = 0; i < 100; i++)
        {
            var delay = ElasticsearchTransport.Backoff(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
            Assert.InRange(delay.TotalMilliseconds, minimumMs, maximumMs);
        }
    }

    private static ElasticsearchBulkWriter Writer(FakeElasticsearch fake, Action<ElasticsearchSearchOptions>? configure = null) =>
        new(fake.Transport(configure), NullLogger.Instance);

    private static BulkOperation Document(int i, int bodyLength) =>
        ElasticsearchSearchBackend.IndexOperation(
            TestDocuments.Make(Workspace, SearchTypes.Note, $"Note {i}", body: new string('x', bodyLength), id: new Guid(i, 0, 0, new byte[8])),
            "crm-note");

    private static BulkOperation Delete(int i) =>
        BulkOperation.ForDelete("crm-note", $"{Workspace}:{new Guid(i, 0, 0, new byte[8])}", Workspace.ToString());
}
