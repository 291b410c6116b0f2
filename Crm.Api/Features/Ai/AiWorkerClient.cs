using System.Net;
using Crm.ServiceDefaults.Resilience;

namespace Crm.Api.Features.Ai;

/// <summary>A query's vector from the AI worker, and the model that made it.</summary>
public sealed record QueryEmbedding(string Model, int Dimensions, float[] Vector);

/// <summary>
/// Crm.AiWorker's small HTTP API, found through service discovery ("aiworker"). Like the search service's client, a
/// failed call (unreachable, an error, slower than <see cref="AttemptTimeout"/>) returns nothing, so the endpoint can
/// answer without AI, and for <see cref="SkipAfterFailure"/> it does not try again. Its requests carry
/// <see cref="Crm.Domain.ServiceKey.Ai"/> (a default header, set in AddCrmAi).
/// </summary>
public sealed class AiWorkerClient(HttpClient http, TimeProvider time, ILogger<AiWorkerClient> logger)
{
    public static readonly Uri BaseAddress = new("https+http://aiworker/");

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SkipAfterFailure = TimeSpan.FromSeconds(15);

    // A language model may take several seconds; the worker finishes (and caches) a summary even if this gives up.
    private static readonly TimeSpan SummaryTimeout = TimeSpan.FromSeconds(9);

    private static long s_skipUntilTicks;

    public async Task<QueryEmbedding?> TryEmbedAsync(string text, CancellationToken cancellationToken) =>
        await TryPostAsync<QueryEmbedding>("embeddings", JsonContent.Create(new { text }), AttemptTimeout, cancellationToken) is { Vector.Length: > 0 } embedding
            ? embedding
            : null;

    /// <summary>The record's summary (cached or written now), or null when the worker cannot answer in time.</summary>
    public Task<RecordSummary?> TrySummaryAsync(Guid workspaceId, string entityType, Guid id, CancellationToken cancellationToken) =>
        TryPostAsync<RecordSummary>($"summaries/{entityType}/{id}?workspace={workspaceId}", null, SummaryTimeout, cancellationToken, slowIsDown: false);

    // slowIsDown: whether a timeout counts as the worker being down; not for a summary, which a slow language model may
    // take long to write (the worker finishes and caches it meanwhile).
    private async Task<T?> TryPostAsync<T>(string uri, HttpContent? content, TimeSpan attemptTimeout, CancellationToken cancellationToken, bool slowIsDown = true)
        where T : class
    {
        if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref s_skipUntilTicks))
        {
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(attemptTimeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content }.WithoutRetries();
            using var response = await http.SendAsync(message, timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadFromJsonAsync<T>(timeout.Token) is { } answer)
            {
                return answer;
            }
            logger.LogWarning("The AI worker answered {Status} to POST {Uri}", (int)response.StatusCode, uri);
            return null; // It is up: only this request failed.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !slowIsDown)
        {
            logger.LogInformation("The AI worker did not answer POST {Uri} within {Timeout}; answering from stored results", uri, attemptTimeout);
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  e is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException or System.Text.Json.JsonException)
        {
            logger.LogWarning("The AI worker is unreachable or slow ({Reason}); AI answers come from stored results for the next {Skip}", e.Message, SkipAfterFailure);
        }
        Interlocked.Exchange(ref s_skipUntilTicks, (time.GetUtcNow() + SkipAfterFailure).UtcTicks);
        return null;
    }
}
