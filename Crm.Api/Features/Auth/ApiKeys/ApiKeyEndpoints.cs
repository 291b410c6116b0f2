using System.Security.Claims;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Auditing;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Auditing;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth.ApiKeys;

/// <summary>
/// <c>/api/v1/api-keys</c>: create (the key is answered once and never stored), list and revoke the workspace's API keys.
/// Needs <see cref="Permission.ApiKeysManage"/> (owner, admin), which no API key has: a key cannot mint or revoke keys.
/// </summary>
public static class ApiKeyEndpoints
{
    public const string EntityType = "api_key";

    private const int MaxNameLength = 100;

    /// <summary>How much of a key is shown to tell keys apart: "crm_" and 8 characters of its random part.</summary>
    private const int ShownPrefixLength = 12;

    private static readonly ListingSchema<ApiKey> Listing = new ListingSchema<ApiKey>("api_keys", k => k.Id)
        .Field("name", k => k.Name, sortable: true, filterable: true, searchable: true)
        .Field("createdBy", k => k.CreatedBy, filterable: true)
        .Field("createdAt", k => k.CreatedAt, sortable: true, filterable: true)
        .Field("revokedAt", k => k.RevokedAt, filterable: true)
        .DefaultSort("-createdAt");

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/api/v1/api-keys").WithTags("API keys").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        keys.MapPost("/", CreateAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key")
            .WithDescription("Answers the key once (key); only its SHA-256 is kept. Its role may not exceed the caller's. Idempotency-Key is not supported: a replay would have to store the key.")
            .ProducesValidationProblem();

        keys.MapGet("/", ListAsync)
            .WithName("ListApiKeys")
            .WithSummary("List the workspace's API keys")
            .WithDescription("Revoked keys included (filter[revokedAt][isNull]=true for live ones); never a secret.")
            .ProducesValidationProblem();

        keys.MapDelete("/{id:guid}", RevokeAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key")
            .WithDescription("The key stops working at once. Revoking a revoked key changes nothing (204).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static ProblemHttpResult NotAllowed() =>
        CallerAccess.Forbidden("Only owners and admins manage API keys, and never with an API key.");

    internal static async Task<Results<Created<ApiKeyResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateApiKeyRequest request, CrmDbContext db, HttpContext httpContext, SecurityEvents events, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.ApiKeysManage))
        {
            return NotAllowed();
        }
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["The name is required."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name must be at most {MaxNameLength} characters."];
        }
        var scopes = new List<ApiKeyScope>();
        foreach (var text in request.Scopes ?? [])
        {
            if (!TokenIssuer.TryParseSnakeCase<ApiKeyScope>(text, out var scope))
            {
                errors["scopes"] = [$"'{text}' is not a scope; use read or write (write includes read)."];
            }
            else if (!scopes.Contains(scope))
            {
                scopes.Add(scope);
            }
        }
        if (request.Scopes is not { Length: > 0 })
        {
            errors["scopes"] = ["Give at least one scope: read or write."];
        }
        var role = caller.Role;
        if (request.Role is not null && !TokenIssuer.TryParseSnakeCase(request.Role, out role))
        {
            errors["role"] = [$"'{request.Role}' is not a role; use one of: {string.Join(", ", Roles.All.Select(r => TokenIssuer.SnakeCase(r.Role)))}."];
        }
        if (request.ExpiresAt <= now)
        {
            errors["expiresAt"] = ["The expiry must be in the future (or null: never)."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (!Roles.IsAtMost(role, caller.Role))
        {
            return CallerAccess.Forbidden($"A key may act with your role ({TokenIssuer.SnakeCase(caller.Role)}) or a lower one, not {TokenIssuer.SnakeCase(role)}.");
        }

        var (secret, hash) = WorkspaceSecrets.Create(ApiKeyAuthenticationHandler.KeyPrefix, db.Session.WorkspaceId!.Value);
        var key = new ApiKey
        {
            Name = name!,
            KeyPrefix = secret[..ShownPrefixLength],
            KeyHash = hash,
            Scopes = scopes,
            Role = role,
            CreatedBy = caller.UserId,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        db.ApiKeys.Add(key);
        var audit = AuditTrail.For(httpContext, db);
        var response = ApiKeyResponse.From(key);
        audit.Created(EntityType, key.Id, audit.Snapshot(response));
        events.Add(SecurityEventType.ApiKeyCreated, SecuritySeverity.Info, db.Session.WorkspaceId, caller.UserId,
            httpContext.User.FindFirstValue(ClaimTypes.Email), $"API key {key.KeyPrefix}… \"{key.Name}\" created (role {TokenIssuer.SnakeCase(role)}, scopes {string.Join(", ", scopes.Select(TokenIssuer.SnakeCase))}).");
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created((string?)null, response with { Key = secret });
    }

    internal static async Task<Results<Ok<ListPage<ApiKeyResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ListQuery query, CrmDbContext db, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (!CallerAccess.From(httpContext.User).Has(Permission.ApiKeysManage))
        {
            return NotAllowed();
        }
        var page = await db.ApiKeys.AsNoTracking().ToListResultAsync(Listing, query, k => ApiKeyResponse.From(k), cancellationToken);
        return page.Result switch
        {
            Ok<ListPage<ApiKeyResponse>> ok => ok,
            ValidationProblem invalid => invalid,
            _ => throw new InvalidOperationException("Unexpected list result."),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid id, CrmDbContext db, HttpContext httpContext, SecurityEvents events, TimeProvider clock, CancellationToken cancellationToken)
    {
        var caller = CallerAccess.From(httpContext.User);
        if (!caller.Has(Permission.ApiKeysManage))
        {
            return NotAllowed();
        }
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return ResourceRequests.NotFound("API key");
        }
        if (key.RevokedAt is null)
        {
            var now = clock.GetUtcNow();
            key.RevokedAt = now;
            key.RevokedBy = caller.UserId;
            AuditTrail.For(httpContext, db).Record(AuditAction.Updated, EntityType, key.Id,
                new JsonObject { ["revokedAt"] = null }, new JsonObject { ["revokedAt"] = now });
            events.Add(SecurityEventType.ApiKeyRevoked, SecuritySeverity.Info, db.Session.WorkspaceId, caller.UserId,
                httpContext.User.FindFirstValue(ClaimTypes.Email), $"API key {key.KeyPrefix}… \"{key.Name}\" revoked.");
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }
}
