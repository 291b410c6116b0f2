using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Features.Search;
using Crm.Api.Tests.Companies;
using Crm.Domain.Search;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Search;

/// <summary>
/// GET /api/v1/search when Crm.Search cannot be reached (the test host has no "search" service): the API answers from
/// the PostgreSQL index itself, for the caller's workspace and record scope only. The index is written with the real
/// PostgreSQL backend, as Crm.Search's indexer writes it (the indexer itself is tested in Crm.Search.Tests).
/// </summary>
public sealed class SearchApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Without_the_search_service_the_api_searches_postgresql_within_the_caller_workspace_and_scope()
    {
        var owner = await CompanyApi.RegisterAsync(factory, "Searchers");
        var rep = await CompanyApi.JoinAsync(factory, owner, "sales_rep", "own");
        var stranger = await CompanyApi.RegisterAsync(factory, "Strangers");
        var (ownersContact, repsContact, strangersContact) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await IndexAsync(
            Contact(owner.WorkspaceId, ownersContact, "Quintessa Marlowe", owner.UserId),
            Contact(owner.WorkspaceId, repsContact, "Quintessa Marlowe-Reyes", rep.UserId),
            Contact(stranger.WorkspaceId, strangersContact, "Quintessa Marlowe", stranger.UserId));

        var (ownerHits, source) = await SearchAsync(owner, "quintesa marlow");
        Assert.Equal("postgresql-fallback", source);
        Assert.Equal(new[] { ownersContact, repsContact }.Order(), ownerHits.Order());

        Assert.Equal([repsContact], (await SearchAsync(rep, "quintesa marlow")).Hits);
        Assert.Equal([strangersContact], (await SearchAsync(stranger, "quintesa marlow")).Hits);
    }

    [Theory]
    [InlineData("q=")]
    [InlineData("q=acme&limit=51")]
    [InlineData("q=acme&types=tickets")]
    [InlineData("q=acme&filter[stage]=negotiation")]
    [InlineData("q=acme&cursor=garbage")]
    public async Task Bad_parameters_are_a_400_problem(string query)
    {
        var owner = await CompanyApi.RegisterAsync(factory, "Typos");

        using var response = await owner.WithResource("/api/v1/search").SendAsync(HttpMethod.Get, "?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_anonymous_caller_gets_a_401()
    {
        using var response = await factory.CreateClient().GetAsync("/api/v1/search?q=acme");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task IndexAsync(params SearchDocument[] documents) =>
        await factory.Services.GetRequiredService<PostgresSearchBackend>().UpsertAsync(documents, CancellationToken.None);

    private static SearchDocument Contact(Guid workspaceId, Guid id, string name, Guid ownerId) =>
        new(workspaceId, SearchTypes.Contact, id, name, null, [], null, ownerId, null, [], DateTimeOffset.UtcNow);

    private static async Task<(List<Guid> Hits, string? Source)> SearchAsync(CompanyApi caller, string q)
    {
        using var response = await caller.WithResource("/api/v1/search").SendAsync(HttpMethod.Get, "?q=" + Uri.EscapeDataString(q));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hits = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").EnumerateArray()
            .Select(hit => hit.GetProperty("id").GetGuid()).ToList();
        return (hits, response.Headers.TryGetValues(SearchEndpoints.SourceHeader, out var values) ? values.Single() : null);
    }
}
