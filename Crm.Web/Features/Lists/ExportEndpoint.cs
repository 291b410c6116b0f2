using System.Net;
using System.Net.Http.Headers;
using Crm.Web.Api;
using Crm.Web.Auth;
using Crm.Web.Records;

namespace Crm.Web.Features.Lists;

/// <summary>
/// <c>GET /lists/{plural}/export?...</c>: the API's CSV export of a list, streamed through to the browser as a download,
/// so a file of any size never passes through a circuit (or the web's memory).
/// </summary>
public static class ExportEndpoint
{
    public static IEndpointRouteBuilder MapListExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/lists/{plural}/export", ExportAsync).RequireAuthorization();
        return endpoints;
    }

    private static async Task ExportAsync(string plural, HttpContext context, ApiSession session, IHttpClientFactory httpClients, ILogger<CrmApi> logger)
    {
        if (RecordType.Find(plural) is not { } type || type.Plural != plural)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        // The typed CrmApi's named client: service discovery and resilience as every other call, but the body unread.
        var http = httpClients.CreateClient(nameof(CrmApi));
        var path = $"{type.ApiPath}/export{context.Request.QueryString}";
        var cancellationToken = context.RequestAborted;
        try
        {
            var token = await session.GetAccessTokenAsync(cancellationToken);
            var response = await SendAsync(http, path, token, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                response = await SendAsync(http, path, await session.RefreshAsync(token, cancellationToken), cancellationToken);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    logger.LogInformation("The API answered {Status} to the export of {Plural}", (int)response.StatusCode, plural);
                    context.Response.StatusCode = (int)response.StatusCode;
                    context.Response.ContentType = "text/plain; charset=utf-8";
                    await context.Response.WriteAsync($"The export failed: the CRM service answered {(int)response.StatusCode} {response.ReasonPhrase}.", cancellationToken);
                    return;
                }
                var fileName = response.Content.Headers.ContentDisposition?.FileNameStar
                               ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
                               ?? $"{plural}.csv";
                context.Response.ContentType = "text/csv; charset=utf-8";
                context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = $"\"{fileName}\"", FileNameStar = fileName }.ToString();
                context.Response.Headers.CacheControl = "no-store";
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await body.CopyToAsync(context.Response.Body, cancellationToken);
            }
        }
        catch (SessionEndedException)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
        catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException or ApiException
                                          || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "The API could not be reached for the export of {Plural}", plural);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
