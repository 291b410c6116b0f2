namespace Crm.Api.Infrastructure.OpenApi;

/// <summary>
/// The problems each kind of write answers, declared once so that every endpoint of that kind documents the same set
/// in the OpenAPI document (docs/api.md, "Errors"). What an endpoint answers beyond its kind (the 404 of a parent
/// record, the 409 of a rule) it passes as <c>also</c>.
/// </summary>
public static class ProblemResponses
{
    /// <summary>A create from a JSON body: field errors, a caller who may not write, another media type, a replayed Idempotency-Key whose body differs.</summary>
    public static RouteHandlerBuilder ProducesCreateProblems(this RouteHandlerBuilder endpoint, params int[] also) =>
        endpoint.ProducesValidationProblem().ProducesProblems(
            [StatusCodes.Status403Forbidden, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity, .. also]);

    /// <summary>A merge patch: field errors, a caller who may not write, no such record, a missing or stale If-Match, another media type.</summary>
    public static RouteHandlerBuilder ProducesPatchProblems(this RouteHandlerBuilder endpoint, params int[] also) =>
        endpoint.ProducesValidationProblem().ProducesProblems(
            [StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed,
             StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status428PreconditionRequired, .. also]);

    /// <summary>A delete: a caller who may not write, no such record, a missing or stale If-Match.</summary>
    public static RouteHandlerBuilder ProducesDeleteProblems(this RouteHandlerBuilder endpoint, params int[] also) =>
        endpoint.ProducesProblems(
            [StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status412PreconditionFailed,
             StatusCodes.Status428PreconditionRequired, .. also]);

    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            endpoint.ProducesProblem(status);
        }
        return endpoint;
    }
}
