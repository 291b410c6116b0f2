using System.Text.Json;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Crm.Api.Infrastructure.Patching;

/// <summary>
/// Reads a PATCH body as a merge patch onto the resource's current DTO:
/// <code>
/// var patched = await MergePatchRequest.ReadAsync(httpContext.Request, ToUpdateDto(entity), ct);
/// if (patched.Problem is { } problem) return problem;   // 400 or 415
/// Apply(patched.Value!, entity);
/// </code>
/// </summary>
public static class MergePatchRequest
{
    public const string MediaType = "application/merge-patch+json";

    /// <summary>The media types a PATCH body may have; plain JSON is accepted because many clients cannot set another.</summary>
    public static bool IsPatchContentType(string? contentType) =>
        contentType?.Split(';')[0].Trim() is { } mediaType &&
        (mediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase) || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The patched DTO, or the problem to answer: 415 for another content type, 400 for a bad patch.</summary>
    public static async Task<MergePatchOutcome<T>> ReadAsync<T>(HttpRequest request, T current, CancellationToken cancellationToken = default)
    {
        if (!IsPatchContentType(request.ContentType))
        {
            return new(default, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type.",
                detail: $"Send the patch as {MediaType} (or application/json)."));
        }
        var options = request.HttpContext.RequestServices?.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions
                      ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(cancellationToken);
        var result = MergePatch.Apply(current, body, options);
        return result.IsValid
            ? new(result.Value, null)
            : new(default, TypedResults.ValidationProblem(result.Errors!, title: "The patch is not valid."));
    }
}

/// <summary>The patched DTO, or the <see cref="Problem"/> (a ProblemDetails result) to answer instead.</summary>
public sealed record MergePatchOutcome<T>(T? Value, IResult? Problem);
