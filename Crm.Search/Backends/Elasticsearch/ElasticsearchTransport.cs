using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Resilience;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>An Elasticsearch answer, read whole: the status and the body (JSON, or empty for HEAD).</summary>
internal sealed record ElasticsearchResponse(HttpStatusCode Status, byte[] Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public JsonDocument Json() => JsonDocument.Parse(Body);

    /// <summary>Elasticsearch's <c>error.type</c> and <c>error.reason</c>, when the body has them.</summary>
    public (string? Type, string? Reason) Error()
    {
        try
        {
            using var json = Json();
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error))
            {
                return error.ValueKind == JsonValueKind.Object
                    ? (error.TryGetProperty("type", out var type) ? type.GetString() : null,
                       error.TryGetProperty("reason", out var reason) ? reason.GetString() : null)
                    : (null, error.ToString());
            }
        }
        catch (JsonException)
        {
        }
        return (null, null);
    }
}

/// <summary>
/// HTTP to Elasticsearch through the named client "elasticsearch" (base address and credentials from
/// <c>ConnectionStrings:elasticsearch</c>), with its own retries: 429 (Elasticsearch's back-pressure), 502, 503, 504 and
/// network failures are retried with exponential backoff and jitter. Requests are marked <c>WithoutRetries()</c> so
/// the standard pipeline of every HttpClient does not retry them a second time over (its retries would multiply ours).
/// </summary>
internal sealed class ElasticsearchTransport(IHttpClientFactory httpClientFactory, ElasticsearchSearchOptions options, ILogger logger)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");
    private static readonly MediaTypeHeaderValue NdjsonType = new("application/x-ndjson");

    public ElasticsearchSearchOptions Options => options;

    public Task<ElasticsearchResponse> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body), JsonType, cancellationToken);

    public Task<ElasticsearchResponse> SendNdjsonAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, NdjsonType, cancellationToken);

    /// <summary>Sends, retrying what is worth retrying; any other answer (error or not) is returned to the caller.</summary>
    public async Task<ElasticsearchResponse> SendAsync(
        HttpMethod method, string path, ReadOnlyMemory<byte>? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await SendOnceAsync(method, path, body, contentType, cancellationToken);
                if (!IsRetryable(response.Status))
                {
                    return response;
                }
                if (attempt >= options.MaxRetries)
                {
                    var (type, reason) = response.Error();
                    throw new ElasticsearchException(
                        $"Elasticsearch answered {(int)response.Status} to {method} {path} {attempt + 1} times; giving up. {type}: {reason}",
                        (int)response.Status, type);
                }
                logger.LogWarning("Elasticsearch answered {Status} to {Method} {Path}; retry {Attempt} of {MaxRetries}",
                    (int)response.Status, method, path, attempt + 1, options.MaxRetries);
            }
            catch (Exception exception) when (IsTransient(exception, cancellationToken))
            {
                if (attempt >= options.MaxRetries)
                {
                    throw new ElasticsearchException(
                        $"Elasticsearch did not answer {method} {path} after {attempt + 1} attempts: {exception.Message}", innerException: exception);
                }
                logger.LogWarning(exception, "Elasticsearch request {Method} {Path} failed; retry {Attempt} of {MaxRetries}",
                    method, path, attempt + 1, options.MaxRetries);
            }
            await Task.Delay(Backoff(attempt, options.RetryBaseDelay, options.RetryMaxDelay), cancellationToken);
        }
    }

    private async Task<ElasticsearchResponse> SendOnceAsync(
        HttpMethod method, string path, ReadOnlyMemory<byte>? body, MediaTypeHeaderValue? contentType, CancellationToken cancellationToken)
    {
        var client = httpClientFactory.CreateClient(ElasticsearchRegistration.HttpClientName);
        using var request = new HttpRequestMessage(method, path).WithoutRetries();
        if (body is { } bytes)
        {
            request.Content = new ReadOnlyMemoryContent(bytes);
            request.Content.Headers.ContentType = contentType;
        }
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new ElasticsearchResponse(response.StatusCode, content);
    }

    /// <summary>Throws a clear exception unless the response is a success.</summary>
    public static ElasticsearchResponse EnsureSuccess(ElasticsearchResponse response, string what)
    {
        if (response.IsSuccess)
        {
            return response;
        }
        var (type, reason) = response.Error();
        throw new ElasticsearchException($"Elasticsearch refused to {what}: {(int)response.Status} {type}: {reason}", (int)response.Status, type);
    }

    internal static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    // Network failures and the standard pipeline's attempt timeout / open circuit; not the caller's own cancellation.
    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        HttpRequestException => true,
        Polly.ExecutionRejectedException => true,
        TaskCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// Exponential backoff with "equal jitter": half of base·2^attempt (capped) plus a random part of the other half,
    /// so that writers rejected together do not come back together.
    /// </summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponential = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
    }
}
