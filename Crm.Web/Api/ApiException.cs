using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Web.Api;

/// <summary>
/// An answer of the API that is not a success, carrying its RFC 9457 problem details: pages show <see cref="Exception.Message"/>
/// in place and mark the fields named in <see cref="Errors"/> (keys as the API names them: <c>email</c>,
/// <c>customFields.tier</c>, <c>items[3].name</c>).
/// </summary>
public sealed class ApiException(HttpStatusCode status, ProblemBody problem) : Exception(problem.Detail ?? problem.Title ?? $"The API answered {(int)status}.")
{
    public HttpStatusCode Status { get; } = status;

    public string? Title { get; } = problem.Title;

    public string? Detail { get; } = problem.Detail;

    public IReadOnlyDictionary<string, string[]> Errors { get; } =
        problem.Errors ?? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);

    /// <summary>True for 409/412: the record changed or a value is taken; the page should offer to reload.</summary>
    public bool IsConflict => Status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed;

    /// <summary>The first error of a field, or null (field keys compare case-insensitively, as JSON names differ in case).</summary>
    public string? ErrorFor(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    /// <summary>The failure of a request that never got an answer: the API is down or too slow.</summary>
    public static ApiException Unreachable() => new(HttpStatusCode.ServiceUnavailable, new ProblemBody
    {
        Title = "The CRM service cannot be reached",
        Detail = "Nothing was changed. Check your connection and try again in a moment.",
    });

    internal static async Task<ApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? problem = null;
        if (response.Content.Headers.ContentType?.MediaType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemBody>(ApiJson.Options, cancellationToken);
            }
            catch (JsonException)
            {
                // Not a problem body after all: fall back to the status line.
            }
        }
        problem ??= new ProblemBody { Title = response.ReasonPhrase };
        if (response.StatusCode == HttpStatusCode.TooManyRequests && problem.Detail is null)
        {
            problem.Detail = "Too many requests: wait a few seconds and try again.";
        }
        return new ApiException(response.StatusCode, problem);
    }
}

/// <summary>The members of an RFC 9457 problem details body the web shows.</summary>
public sealed class ProblemBody
{
    public string? Title { get; set; }

    public string? Detail { get; set; }

    public int? Status { get; set; }

    [JsonPropertyName("errors")]
    public Dictionary<string, string[]>? Errors { get; set; }
}
