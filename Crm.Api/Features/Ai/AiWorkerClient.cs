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

    private static long s_skipUntilTicks;

    public async Task<QueryEmbedding?> TryEmbedAsync(string text, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref s_skipUntilTicks))
        {
            return null;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "embeddings") { Content = JsonContent.Create(new { text }) }.WithoutRetries();
            using var response = await http.SendAsync(message, timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK &&
                await response.Content.ReadFromJsonAsync<QueryEmbedding>(timeout.Token) is { Vector.Length: > 0 } embedding)
            {
                return embedding;
            }
            logger.LogWarning("The AI worker answered {Status} to an embedding request", (int)response.StatusCode);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  e is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException or System.Text.Json.JsonException)
        {
            logger.LogWarning("The AI worker is unreachable ({Reason}); semantic search answers lexically for the next {Skip}", e.Message, SkipAfterFailure);
        }
        Interlocked.Exchange(ref s_skipUntilTicks, (time.GetUtcNow() + SkipAfterFailure).UtcTicks);
        return null;
    }
}
