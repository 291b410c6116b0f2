using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;

namespace Crm.Api.Tests.Configuration;

/// <summary>
/// A signed-in member calling the records (companies, contacts) and the workspace configuration (tags, custom fields,
/// saved views, territories, teams) of their workspace, for the tests.
/// </summary>
internal sealed class WorkspaceApi(CompanyApi caller)
{
    public CompanyApi Companies { get; } = caller;

    public CompanyApi Contacts { get; } = caller.WithResource("/api/v1/contacts");

    public CompanyApi Tags { get; } = caller.WithResource("/api/v1/tags");

    public CompanyApi CustomFields { get; } = caller.WithResource("/api/v1/custom-fields");

    public CompanyApi SavedViews { get; } = caller.WithResource("/api/v1/saved-views");

    public CompanyApi Territories { get; } = caller.WithResource("/api/v1/territories");

    public CompanyApi Teams { get; } = caller.WithResource("/api/v1/teams");

    /// <summary>Requests by absolute path (a saved view's listPath).</summary>
    public CompanyApi Root { get; } = caller.WithResource("");

    public Guid UserId => Companies.UserId;

    public Guid WorkspaceId => Companies.WorkspaceId;

    public static async Task<WorkspaceApi> RegisterAsync(ApiFactory factory, string workspaceName = "Acme") =>
        new(await CompanyApi.RegisterAsync(factory, workspaceName));

    public static async Task<WorkspaceApi> JoinAsync(ApiFactory factory, WorkspaceApi owner, string role, string scope = "all") =>
        new(await CompanyApi.JoinAsync(factory, owner.Companies, role, scope));

    /// <summary>Creates a record of <paramref name="resource"/> (201) and answers its id.</summary>
    public static async Task<Guid> CreateIdAsync(CompanyApi resource, object body) =>
        (await resource.CreateAsync(body)).Company.GetProperty("id").GetGuid();

    /// <summary>The values of <paramref name="property"/> on a page of <paramref name="resource"/>'s list.</summary>
    public static async Task<List<string>> ListAsync(CompanyApi resource, string query = "", string property = "name")
    {
        using var response = await resource.SendAsync(HttpMethod.Get, "/" + query);
        var page = await resource.ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty(property).ToString())];
    }

    /// <summary>The body and ETag of one record (200).</summary>
    public static async Task<(JsonElement Body, string ETag)> GetAsync(CompanyApi resource, Guid id)
    {
        using var response = await resource.SendAsync(HttpMethod.Get, $"/{id}");
        return (await resource.ReadAsync(response), response.Headers.ETag!.ToString());
    }

    /// <summary>The per-field errors of a 400 ProblemDetails answer.</summary>
    public static async Task<JsonElement> ErrorsAsync(HttpResponseMessage response)
    {
        using (response)
        {
            return (await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        }
    }

    /// <summary>Asserts a 400 whose errors name exactly <paramref name="fields"/>.</summary>
    public static async Task AssertInvalidAsync(HttpResponseMessage response, params string[] fields)
    {
        var errors = await ErrorsAsync(response);
        Assert.Equal(fields.Order(StringComparer.Ordinal), errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    public static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            if (status is HttpStatusCode.NoContent or HttpStatusCode.OK or HttpStatusCode.Created)
            {
                Assert.True(response.StatusCode == status, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            else
            {
                await AuthApi.AssertProblemAsync(response, status);
            }
        }
    }

    /// <summary>The actions of a record's audit trail, newest first.</summary>
    public async Task<JsonElement[]> AuditOfAsync(string entityType, Guid id)
    {
        using var response = await Companies.GetAuditAsync($"?entityType={entityType}&entityId={id}");
        var page = await Companies.ReadAsync(response);
        return [.. page.GetProperty("data").EnumerateArray()];
    }

    /// <summary>A team of the workspace with the given members, made through the API by <paramref name="owner"/>.</summary>
    public static async Task<Guid> CreateTeamAsync(WorkspaceApi owner, string name, params WorkspaceApi[] members)
    {
        var teamId = await CreateIdAsync(owner.Teams, new { name });
        foreach (var member in members)
        {
            await AssertStatusAsync(await owner.Teams.SendAsync(HttpMethod.Put, $"/{teamId}/members/{member.UserId}", new { }), HttpStatusCode.Created);
        }
        return teamId;
    }
}
