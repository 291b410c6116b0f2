using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Deals;

/// <summary>
/// A signed-in caller of the deals API and of what deals stand on: pipelines and their stages, products, contacts and
/// companies (each a <see cref="CompanyApi"/> on its own route).
/// </summary>
internal sealed class DealApi(CompanyApi companies)
{
    public CompanyApi Companies { get; } = companies;

    public CompanyApi Contacts { get; } = companies.WithResource("/api/v1/contacts");

    public CompanyApi Pipelines { get; } = companies.WithResource("/api/v1/pipelines");

    public CompanyApi Products { get; } = companies.WithResource("/api/v1/products");

    public CompanyApi Deals { get; } = companies.WithResource("/api/v1/deals");

    public Guid UserId => Companies.UserId;

    public Guid WorkspaceId => Companies.WorkspaceId;

    public static async Task<DealApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(await CompanyApi.RegisterAsync(factory, workspaceName));

    public static async Task<DealApi> JoinAsync(ApiFactory factory, DealApi owner, string role, string scope) =>
        new(await CompanyApi.JoinAsync(factory, owner.Companies, role, scope));

    /// <summary>
    /// Creates a pipeline (the default unless said otherwise) with the usual stages: Lead (10%), Proposal (50%), Won
    /// and Lost. Answers its id and the stages' ids in that order. A default one replaces the workspace's default (the
    /// "Sales" pipeline registration made, see <see cref="RemoveDefaultPipelineAsync"/>).
    /// </summary>
    public async Task<SalesPipeline> CreateSalesPipelineAsync(string name = "Sales", bool isDefault = true, string currency = "USD")
    {
        if (isDefault)
        {
            await RemoveDefaultPipelineAsync();
        }
        var (pipeline, _) = await Pipelines.CreateAsync(new { name, isDefault, currency });
        var id = pipeline.GetProperty("id").GetGuid();
        var lead = await AddStageAsync(id, new { name = "Lead", defaultProbability = 10 });
        var proposal = await AddStageAsync(id, new { name = "Proposal", defaultProbability = 50 });
        var won = await AddStageAsync(id, new { name = "Won", kind = "won", defaultProbability = 100 });
        var lost = await AddStageAsync(id, new { name = "Lost", kind = "lost" });
        return new SalesPipeline(id, lead, proposal, won, lost);
    }

    /// <summary>Deletes (204) the workspace's default pipeline, if it has one: it then has none.</summary>
    public async Task RemoveDefaultPipelineAsync()
    {
        using var list = await Pipelines.SendAsync(HttpMethod.Get, "/?filter[isDefault]=true");
        foreach (var pipeline in (await Pipelines.ReadAsync(list)).GetProperty("data").EnumerateArray())
        {
            using var delete = await Pipelines.SendAsync(HttpMethod.Delete, $"/{pipeline.GetProperty("id").GetGuid()}", ifMatch: "*");
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
    }

    /// <summary>Adds a stage (201) and answers its id.</summary>
    public async Task<Guid> AddStageAsync(Guid pipelineId, object body)
    {
        using var response = await Pipelines.SendAsync(HttpMethod.Post, $"/{pipelineId}/stages", body);
        return (await Pipelines.ReadAsync(response, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>A pipeline's live stages: (id, name, position), in order.</summary>
    public async Task<List<(Guid Id, string Name, int Position)>> StagesAsync(Guid pipelineId)
    {
        using var response = await Pipelines.SendAsync(HttpMethod.Get, $"/{pipelineId}/stages");
        var list = await Pipelines.ReadAsync(response);
        return [.. list.GetProperty("data").EnumerateArray()
            .Select(s => (s.GetProperty("id").GetGuid(), s.GetProperty("name").GetString()!, s.GetProperty("position").GetInt32()))];
    }

    /// <summary>Creates a deal (201) and answers its body and ETag.</summary>
    public Task<(JsonElement Deal, string ETag)> CreateDealAsync(object body) => Deals.CreateAsync(body);

    public async Task<JsonElement> GetDealAsync(Guid id)
    {
        using var response = await Deals.SendAsync(HttpMethod.Get, $"/{id}");
        return await Deals.ReadAsync(response);
    }

    public Task<HttpResponseMessage> MoveAsync(Guid dealId, object body, string? ifMatch = null) =>
        Deals.SendAsync(HttpMethod.Post, $"/{dealId}/move", body, ifMatch);

    public async Task<JsonElement[]> StageHistoryAsync(Guid dealId)
    {
        using var response = await Deals.SendAsync(HttpMethod.Get, $"/{dealId}/stage-history");
        return [.. (await Deals.ReadAsync(response)).GetProperty("data").EnumerateArray()];
    }

    public async Task<JsonElement> BoardAsync(Guid pipelineId, string query = "")
    {
        using var response = await Pipelines.SendAsync(HttpMethod.Get, $"/{pipelineId}/board{query}");
        return await Pipelines.ReadAsync(response);
    }

    /// <summary>Adds a line item to a deal (201) and answers its body and ETag.</summary>
    public async Task<(JsonElement Line, string ETag)> AddLineAsync(Guid dealId, object body)
    {
        using var response = await Deals.SendAsync(HttpMethod.Post, $"/{dealId}/products", body);
        return (await Deals.ReadAsync(response, HttpStatusCode.Created), response.Headers.ETag!.ToString());
    }

    public async Task<JsonElement[]> AuditOfAsync(string entityType, Guid id)
    {
        using var response = await Companies.GetAuditAsync($"?entityType={entityType}&entityId={id}");
        return [.. (await Companies.ReadAsync(response)).GetProperty("data").EnumerateArray()];
    }
}

/// <summary>A pipeline made by <see cref="DealApi.CreateSalesPipelineAsync"/>.</summary>
internal sealed record SalesPipeline(Guid Id, Guid Lead, Guid Proposal, Guid Won, Guid Lost);
