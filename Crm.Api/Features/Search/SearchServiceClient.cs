using System.Globalization;
using System.Net;
using Crm.Domain;
using Crm.Domain.Search;
using Crm.ServiceDefaults.Resilience;

namespace Crm.Api.Features.Search;

/// <summary>
/// Crm.Search's query API, found through service discovery ("search"). A failed call (unreachable, 5xx, an answer
/// that does not parse, slower than <see cref="AttemptTimeout"/>) returns no results and the API answers from
/// PostgreSQL itself; for
/// <see cref="SkipAfterFailure"/> afterwards it does not try again, so a search service that is down costs one slow
/// request, not one per search. Its requests carry the <see cref="ServiceKey.Search"/> (a default header, set in
/// AddCrmSearch).
/// </summary>
public sealed class SearchServiceClient(HttpClient http, TimeProvider time, ILogger<SearchServiceClient> logger)
{
    public static readonly Uri BaseAddress = new("https+http://search/");

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SkipAfterFailure = TimeSpan.FromSeconds(15);

    // Shared by every request of the process (the client itself is transient).
    private static long s_skipUntilTicks;

    /// <summary>
    /// The results, or Crm.Search's validation errors (a cursor it did not write), or neither when it could not answer.
    /// </summary>
    /// <remarks>The query is rebuilt from the validated request: nothing the caller typed can name another workspace or scope.</remarks>
    public async Task<(SearchResults? Results, HttpValidationProblemDetails? Refusal)> TrySearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref s_skipUntilTicks))
        {
            return (null, null);
        }
        var uri = "search" + QueryString.Create(new Dictionary<string, string?>
        {
            ["workspace"] = request.WorkspaceId.ToString(),
            ["owners"] = request.VisibleOwners is null ? "all" : string.Join(',', request.VisibleOwners),
            ["q"] = request.Text,
            ["types"] = string.Join(',', request.Types),
            ["filter[owner]"] = request.Filters.OwnerId?.ToString(),
            ["filter[stage]"] = request.Filters.StageId?.ToString(),
            ["filter[tags]"] = string.Join(',', request.Filters.Tags),
            ["limit"] = request.Limit.ToString(CultureInfo.InvariantCulture),
            ["cursor"] = request.Cursor,
        }.Where(p => !string.IsNullOrEmpty(p.Value)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, uri).WithoutRetries();
            using var response = await http.SendAsync(message, timeout.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<SearchResults>(timeout.Token), null);
            }
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                return (null, await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(timeout.Token));
            }
            logger.LogWarning("Crm.Search answered {Status}; searching PostgreSQL in-process", (int)response.StatusCode);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  e is HttpRequestException or OperationCanceledException or Polly.ExecutionRejectedException or System.Text.Json.JsonException)
        {
            logger.LogWarning("Crm.Search is unreachable ({Reason}); searching PostgreSQL in-process for the next {Skip}", e.Message, SkipAfterFailure);
        }
        Interlocked.Exchange(ref s_skipUntilTicks, (time.GetUtcNow() + SkipAfterFailure).UtcTicks);
        return (null, null);
    }
}
