using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Deals;
using Crm.Api.Features.Leads;
using Crm.Api.Features.Search;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Search;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>Records found by meaning; <c>Model</c> is the embedding model compared (null when answered lexically).</summary>
public sealed record SemanticResults(IReadOnlyList<SimilarRecord> Data, string? Model, string Source);

/// <summary>
/// <c>GET /api/v1/search/semantic</c> and <c>GET /api/v1/{contacts|companies|leads|deals}/{id}/similar</c>
/// (docs/api.md, "AI"): nearest records by the cosine of their embeddings (the AI worker keeps them current), within the
/// caller's record scope. Semantic search needs the worker to embed the query; without it the endpoint answers with
/// the lexical search and says so (X-Search-Source: lexical-fallback). "Similar" needs only the stored vectors.
/// </summary>
public static class SemanticSearchEndpoints
{
    public const int MaxQueryLength = 2_000;
    private const int DefaultLimit = 10;
    private const int MaxLimit = 50;

    // Matches outside the caller's record scope are dropped after the vector search, so it fetches more than asked.
    private const int OverFetch = 3;

    /// <summary>The records the AI works on, by their route (/api/v1/{plural}/{id}/...) and entity type.</summary>
    internal static readonly (string Plural, string Type)[] RecordRoutes =
    [
        ("contacts", ContactEndpoints.EntityType), ("companies", CompanyEndpoints.EntityType),
        ("leads", LeadEndpoints.EntityType), ("deals", DealEndpoints.EntityType),
    ];

    private static readonly string[] RecordTypes = [.. RecordRoutes.Select(r => r.Type)];

    public static IHostApplicationBuilder AddCrmAi(this IHostApplicationBuilder builder)
    {
        var serviceKey = ServiceKey.Ai.From(builder.Configuration);
        builder.Services.AddHttpClient<AiWorkerClient>(client =>
        {
            client.BaseAddress = AiWorkerClient.BaseAddress;
            if (serviceKey is not null)
            {
                client.DefaultRequestHeaders.Add(ServiceKey.Ai.HeaderName, serviceKey);
            }
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapSemanticSearchEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/search/semantic", SearchAsync)
            .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
            .WithName("SemanticSearch")
            .WithSummary("Finds records by meaning")
            .WithDescription("q: a description in words (\"customers unhappy about invoices\"); types: a comma-separated subset of contact, " +
                             "company, lead, deal; limit 1-50 (default 10). Best first, with the cosine similarity as score. When the AI " +
                             "worker cannot embed the query, the lexical search answers (source lexical-fallback).")
            .Produces<SemanticResults>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        foreach (var (plural, type) in RecordRoutes)
        {
            routes.MapGet($"/api/v1/{plural}/{{id:guid}}/similar",
                    (Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken) => SimilarAsync(type, id, services, cancellationToken))
                .WithTags("AI").RequireAuthorization().RequireCurrentMembership()
                .WithName($"Similar{char.ToUpperInvariant(type[0])}{type[1..]}")
                .WithSummary($"The {plural} (or other records) most like this one")
                .WithDescription("types: a comma-separated subset of contact, company, lead, deal (default: the record's own type); limit 1-50 " +
                                 "(default 10). Empty, with source not-embedded, until the AI worker has embedded the record.")
                .Produces<SemanticResults>()
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status404NotFound);
        }
        return routes;
    }

    private static async Task<IResult> SearchAsync(
        string? q, [AsParameters] ResourceServices services, AiWorkerClient aiWorker, PostgresSearchBackend lexical, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(q) || q.Length > MaxQueryLength)
        {
            errors["q"] = [$"Give a query of 1 to {MaxQueryLength} characters."];
        }
        var (types, limit) = ParseOptions(services.HttpContext.Request.Query, RecordTypes, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The search parameters are not valid.");
        }

        if (await aiWorker.TryEmbedAsync(q!, cancellationToken) is { } query)
        {
            var matches = await EmbeddingStore.NearestAsync(services.Db, query.Vector, query.Model, types, limit * OverFetch, cancellationToken);
            return Answer(services, new SemanticResults(await RecordCards.ShowAsync(services, matches, limit, cancellationToken), query.Model, "semantic"));
        }
        var owners = await services.Caller.VisibleOwnersAsync(services.Db, cancellationToken);
        var hits = await lexical.SearchAsync(
            new SearchRequest(services.Db.Session.WorkspaceId!.Value, q!, types, SearchFilters.None, owners, limit, null), cancellationToken);
        var lexicalResults = hits.Data.Select(h => new SimilarRecord(h.Type, h.Id, h.Title, h.Subtitle, Math.Round(h.Score, 4))).ToList();
        return Answer(services, new SemanticResults(lexicalResults, null, "lexical-fallback"));
    }

    private static async Task<IResult> SimilarAsync(string entityType, Guid id, ResourceServices services, CancellationToken cancellationToken)
    {
        if (!await IsVisibleAsync(entityType, id, services, cancellationToken))
        {
            return ResourceRequests.NotFound(entityType);
        }
        var errors = new Dictionary<string, string[]>();
        var (types, limit) = ParseOptions(services.HttpContext.Request.Query, [entityType], errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The parameters are not valid.");
        }
        var matches = await EmbeddingStore.SimilarAsync(services.Db, entityType, id, types, limit * OverFetch, cancellationToken);
        return matches is null
            ? Answer(services, new SemanticResults([], null, "not-embedded"))
            : Answer(services, new SemanticResults(await RecordCards.ShowAsync(services, matches, limit, cancellationToken), null, "semantic"));
    }

    /// <summary>Whether the caller's record scope covers this live contact, company, lead or deal.</summary>
    internal static async Task<bool> IsVisibleAsync(string entityType, Guid id, ResourceServices services, CancellationToken cancellationToken) =>
        entityType switch
        {
            ContactEndpoints.EntityType => await ContactEndpoints.Resource.Visible(services).AnyAsync(c => c.Id == id, cancellationToken),
            CompanyEndpoints.EntityType => await CompanyEndpoints.Resource.Visible(services).AnyAsync(c => c.Id == id, cancellationToken),
            LeadEndpoints.EntityType => await LeadEndpoints.Resource.Visible(services).AnyAsync(l => l.Id == id, cancellationToken),
            DealEndpoints.EntityType => await DealEndpoints.Resource.Visible(services).AnyAsync(d => d.Id == id, cancellationToken),
            _ => false,
        };

    private static IResult Answer(ResourceServices services, SemanticResults results)
    {
        services.HttpContext.Response.Headers[SearchEndpoints.SourceHeader] = results.Source;
        return TypedResults.Ok(results);
    }

    private static (string[] Types, int Limit) ParseOptions(IQueryCollection query, string[] defaultTypes, Dictionary<string, string[]> errors)
    {
        var types = defaultTypes;
        if (query["types"].ToString() is { Length: > 0 } typesText)
        {
            types = typesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
            if (types.Length == 0 || types.Any(t => !RecordTypes.Contains(t)))
            {
                errors["types"] = [$"Give a comma-separated subset of {string.Join(", ", RecordTypes)}."];
            }
        }
        var limit = DefaultLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"Give a limit from 1 to {MaxLimit}."];
        }
        return (types, limit);
    }
}
