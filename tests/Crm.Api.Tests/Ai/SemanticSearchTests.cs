using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Api.Features.Search;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Contacts;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Search;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Api.Tests.Ai;

/// <summary>
/// GET /api/v1/search/semantic and GET /api/v1/{type}/{id}/similar with no AI worker (the test host has no "aiworker"
/// service): semantic search falls back to the lexical search and says so; "similar" needs only the stored vectors,
/// which the tests write as the worker does (EmbeddingStore, in the workspace's session), and shows only what the
/// caller may see.
/// </summary>
public sealed class SemanticSearchTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Model = "test-model-100d";

    [Fact]
    public async Task Without_the_ai_worker_semantic_search_answers_lexically_and_finds_a_record_by_name()
    {
        var owner = await ContactApi.RegisterAsync(factory, "Fallbacks");
        var id = await CreateContactAsync(owner, "Wendeline", "Fairweather", "Buyer");
        await factory.Services.GetRequiredService<PostgresSearchBackend>().UpsertAsync(
            [new SearchDocument(owner.WorkspaceId, SearchTypes.Contact, id, "Wendeline Fairweather", "Buyer", [], null, owner.UserId, null, [], DateTimeOffset.UtcNow)],
            CancellationToken.None);

        using var response = await owner.Companies.WithResource("/api/v1/search/semantic").SendAsync(HttpMethod.Get, "?q=wendeline+fairweather");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical-fallback", Assert.Single(response.Headers.GetValues(SearchEndpoints.SourceHeader)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("lexical-fallback", body.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("model").ValueKind);
        var hit = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal((id, "contact", "Wendeline Fairweather"), (hit.GetProperty("id").GetGuid(), hit.GetProperty("type").GetString(), hit.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?q=")]
    [InlineData("?q=%20%20")]
    [InlineData("?q=invoices&types=bogus")]
    [InlineData("?q=invoices&types=contact,bogus")]
    [InlineData("?q=invoices&limit=0")]
    [InlineData("?q=invoices&limit=51")]
    [InlineData("?q=invoices&limit=ten")]
    public async Task Bad_semantic_search_parameters_are_a_400_problem(string query)
    {
        var owner = await ContactApi.RegisterAsync(factory, "Typos");

        using var response = await owner.Companies.WithResource("/api/v1/search/semantic").SendAsync(HttpMethod.Get, query);

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task An_anonymous_caller_gets_a_401()
    {
        using var search = await factory.CreateClient().GetAsync("/api/v1/search/semantic?q=invoices");
        using var similar = await factory.CreateClient().GetAsync($"/api/v1/contacts/{Guid.CreateVersion7()}/similar");

        Assert.Equal(HttpStatusCode.Unauthorized, search.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, similar.StatusCode);
    }

    [Fact]
    public async Task Similar_of_an_unknown_or_another_workspace_record_is_404_and_of_a_new_record_is_empty_and_not_embedded()
    {
        var owner = await ContactApi.RegisterAsync(factory, "Newcomers");
        var stranger = await ContactApi.RegisterAsync(factory, "Strangers");
        var contact = await CreateContactAsync(owner, "Ottilie", "Brandvold", "Engineer");

        using (var unknown = await owner.SendAsync(HttpMethod.Get, $"/{Guid.CreateVersion7()}/similar"))
        {
            await AuthApi.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        }
        using (var theirs = await stranger.SendAsync(HttpMethod.Get, $"/{contact}/similar"))
        {
            await AuthApi.AssertProblemAsync(theirs, HttpStatusCode.NotFound);
        }
        using var fresh = await owner.SendAsync(HttpMethod.Get, $"/{contact}/similar");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal("not-embedded", Assert.Single(fresh.Headers.GetValues(SearchEndpoints.SourceHeader)));
        var body = await fresh.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not-embedded", body.GetProperty("source").GetString());
        Assert.Empty(body.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [InlineData("?types=bogus")]
    [InlineData("?limit=0")]
    public async Task Bad_similar_parameters_are_a_400_problem(string query)
    {
        var owner = await ContactApi.RegisterAsync(factory, "Typos");
        var contact = await CreateContactAsync(owner, "Perpetua", "Lindgren", "Analyst");

        using var response = await owner.SendAsync(HttpMethod.Get, $"/{contact}/similar{query}");

        await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Similar_returns_the_nearest_visible_records_first_and_nothing_outside_the_caller_scope()
    {
        var owner = await ContactApi.RegisterAsync(factory, "Neighbours");
        var rep = await ContactApi.JoinAsync(factory, owner, "sales_rep", "own");
        // The rep's contact, and around it: the owner's contact (nearest, but outside the rep's scope), the rep's near
        // and far contacts, and a deleted one that is nearer than both.
        var query = await CreateContactAsync(owner, "Quentin", "Ashdown", "Buyer", rep.UserId);
        var ownersNearest = await CreateContactAsync(owner, "Oriana", "Vasquez", "Head of Purchasing");
        var repsNear = await CreateContactAsync(owner, "Rowan", "Achterberg", "Procurement Lead", rep.UserId);
        var repsFar = await CreateContactAsync(owner, "Fenella", "Throckmorton", "Gardener", rep.UserId);
        var (deletedContact, deletedETag) = await owner.CreateAsync(new { firstName = "Delphine", lastName = "Gone", title = "Buyer", ownerId = rep.UserId });
        var deleted = deletedContact.GetProperty("id").GetGuid();
        await EmbedAsync(owner.WorkspaceId,
            (query, Axis(0)), (ownersNearest, Blend(0, 1, 0.05f)), (deleted, Blend(0, 1, 0.1f)), (repsNear, Blend(0, 1, 0.3f)), (repsFar, Axis(2)));
        using (var delete = await owner.SendAsync(HttpMethod.Delete, $"/{deleted}", ifMatch: deletedETag))
        {
            Assert.True(delete.IsSuccessStatusCode, $"DELETE answered {(int)delete.StatusCode}");
        }

        var (ownerSees, ownerSource) = await SimilarAsync(owner, query);
        Assert.Equal("semantic", ownerSource);
        Assert.Equal([ownersNearest, repsNear, repsFar], ownerSees.Select(r => r.Id));
        Assert.Equal(("contact", "Oriana Vasquez", "Head of Purchasing"), (ownerSees[0].Type, ownerSees[0].Title, ownerSees[0].Subtitle));
        Assert.True(ownerSees[0].Score > ownerSees[1].Score && ownerSees[1].Score > ownerSees[2].Score);
        Assert.InRange(ownerSees[0].Score, 0.99, 1.0);

        var (repSees, repSource) = await SimilarAsync(rep, query);
        Assert.Equal("semantic", repSource);
        Assert.Equal([repsNear, repsFar], repSees.Select(r => r.Id));
        Assert.Equal("Rowan Achterberg", repSees[0].Title);

        // limit counts what the caller sees, not what the vector search fetched.
        Assert.Equal([repsNear], (await SimilarAsync(rep, query, "?limit=1")).Records.Select(r => r.Id));
        // The owner's record is not even "not embedded" for the rep: it is not there.
        using var hidden = await rep.SendAsync(HttpMethod.Get, $"/{ownersNearest}/similar");
        await AuthApi.AssertProblemAsync(hidden, HttpStatusCode.NotFound);
    }

    private static async Task<Guid> CreateContactAsync(ContactApi caller, string firstName, string lastName, string title, Guid? ownerId = null)
    {
        var (contact, _) = await caller.CreateAsync(ownerId is { } owner
            ? new { firstName, lastName, title, ownerId = owner }
            : new { firstName, lastName, title });
        return contact.GetProperty("id").GetGuid();
    }

    /// <summary>Stores the vectors as the AI worker does: EmbeddingStore in the workspace's session.</summary>
    private async Task EmbedAsync(Guid workspaceId, params (Guid Id, float[] Vector)[] vectors)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(workspaceId, null));
        await EmbeddingStore.UpsertAsync(db, [.. vectors.Select(v => new StoredEmbedding("contact", v.Id, Model, "hash-" + v.Id.ToString("N")[..8], v.Vector))],
            CancellationToken.None);
    }

    private static async Task<(List<Similar> Records, string? Source)> SimilarAsync(ContactApi caller, Guid id, string query = "")
    {
        using var response = await caller.SendAsync(HttpMethod.Get, $"/{id}/similar{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var records = body.GetProperty("data").EnumerateArray()
            .Select(r => new Similar(r.GetProperty("type").GetString()!, r.GetProperty("id").GetGuid(), r.GetProperty("title").GetString()!,
                r.GetProperty("subtitle").GetString(), r.GetProperty("score").GetDouble()))
            .ToList();
        Assert.Equal(body.GetProperty("source").GetString(), Assert.Single(response.Headers.GetValues(SearchEndpoints.SourceHeader)));
        return (records, body.GetProperty("source").GetString());
    }

    private static float[] Axis(int axis)
    {
        var vector = new float[100];
        vector[axis] = 1;
        return vector;
    }

    /// <summary>Mostly <paramref name="main"/>, tilted towards <paramref name="other"/> by <paramref name="tilt"/>.</summary>
    private static float[] Blend(int main, int other, float tilt)
    {
        var vector = new float[100];
        vector[main] = 1;
        vector[other] = tilt;
        return vector;
    }

    private sealed record Similar(string Type, Guid Id, string Title, string? Subtitle, double Score);
}
