using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crm.Web.Auth;

namespace Crm.Web.Api;

/// <summary>
/// The web's only way to the data: Crm.Api over HTTP (service discovery: <c>http://api</c>), as the signed-in user.
/// Every call carries the user's access token; a 401 refreshes the tokens once and repeats the call. Failures throw
/// <see cref="ApiException"/> (with the problem details, for the page to show in place) or
/// <see cref="SessionEndedException"/> (the user must sign in again).
/// </summary>
public sealed class CrmApi(HttpClient http, ApiSession session, ILogger<CrmApi> logger)
{
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>Every page of a short list (members, pipelines, keys: a few hundred items at most), 200 at a time.</summary>
    public async Task<List<T>> GetAllAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?') ? '&' : '?';
            var page = await GetAsync<Page<T>>(
                $"{path}{separator}limit=200{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", cancellationToken);
            items.AddRange(page.Data);
            cursor = page.HasMore ? page.NextCursor : null;
        }
        while (cursor is not null);
        return items;
    }

    /// <summary>A GET that answers null for 404 (a record deleted or out of sight) rather than throwing.</summary>
    public async Task<Versioned<T>?> FindAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
            return new Versioned<T>(await ReadAsync<T>(response, cancellationToken), response.Headers.ETag?.ToString());
        }
        catch (ApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>POST with an <c>Idempotency-Key</c>, so the resilience handler may safely repeat it and a double click creates one record.</summary>
    public async Task<Versioned<T>> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body ?? new { }) };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, cancellationToken);
        return new Versioned<T>(await ReadAsync<T>(response, cancellationToken), response.Headers.ETag?.ToString());
    }

    /// <summary>A POST whose answer is not needed (an action such as marking read, or 204).</summary>
    public async Task PostAsync(string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body ?? new { }) }, cancellationToken);
    }

    /// <summary>Multipart upload (CSV import); the content is built per attempt, as a sent content cannot be sent again.</summary>
    public async Task<T> PostFormAsync<T>(string path, Func<MultipartFormDataContent> form, CancellationToken cancellationToken = default)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form() };
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>JSON merge patch with the ETag that was read (412 when someone changed the record meanwhile).</summary>
    public async Task<Versioned<T>> PatchAsync<T>(string path, object patch, string? etag, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = Json(patch, "application/merge-patch+json") };
            IfMatch(request, etag);
            return request;
        }, cancellationToken);
        return new Versioned<T>(await ReadAsync<T>(response, cancellationToken), response.Headers.ETag?.ToString());
    }

    /// <summary>
    /// A merge patch of whatever version is stored now: reads the ETag first. For changes made without an edit form
    /// (bulk actions, reordering, a default, a role), where the user means "this change, to the record as it is".
    /// </summary>
    public async Task<Versioned<T>> PatchLatestAsync<T>(string path, object patch, CancellationToken cancellationToken = default) =>
        await PatchAsync<T>(path, patch, await ETagAsync(path, cancellationToken), cancellationToken);

    /// <summary>Deletes whatever version is stored now (reads the ETag first); one that is gone already is no error.</summary>
    public async Task DeleteLatestAsync(string path, CancellationToken cancellationToken = default)
    {
        try
        {
            await DeleteAsync(path, await ETagAsync(path, cancellationToken), cancellationToken);
        }
        catch (ApiException exception) when (exception.Status == HttpStatusCode.NotFound)
        {
            // Deleted meanwhile (by someone else, or in another tab): what the user asked for holds.
        }
    }

    public async Task PutAsync(string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, path) { Content = Json(body ?? new { }) }, cancellationToken);
    }

    public async Task DeleteAsync(string path, string? etag = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, path);
            IfMatch(request, etag);
            return request;
        }, cancellationToken);
    }

    private async Task<string?> ETagAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return response.Headers.ETag?.ToString();
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        var token = await session.GetAccessTokenAsync(cancellationToken);
        var response = await SendOnceAsync(createRequest, token, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The access token expired early or was revoked: one refresh (which ends the session when it is refused), one retry.
            response.Dispose();
            token = await session.RefreshAsync(token, cancellationToken);
            response = await SendOnceAsync(createRequest, token, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                await session.EndAsync();
                throw new SessionEndedException();
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var exception = await ApiException.FromResponseAsync(response, cancellationToken);
                // The path only: a query holds what the user typed (search words, filter values).
                logger.LogInformation("The API answered {Status} to {Path}: {Title}", (int)response.StatusCode, response.RequestMessage?.RequestUri?.AbsolutePath, exception.Title);
                throw exception;
            }
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> createRequest, string token, CancellationToken cancellationToken)
    {
        using var request = createRequest();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException
                                          || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "The API could not be reached for {Method} {Path}", request.Method, request.RequestUri?.OriginalString.Split('?')[0]);
            throw ApiException.Unreachable();
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.StatusCode == HttpStatusCode.NoContent
            ? default!
            : (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken))!;

    private static StringContent Json(object body, string mediaType = "application/json") =>
        new(JsonSerializer.Serialize(body, ApiJson.Options), Encoding.UTF8, mediaType);

    private static void IfMatch(HttpRequestMessage request, string? etag)
    {
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }
    }
}
