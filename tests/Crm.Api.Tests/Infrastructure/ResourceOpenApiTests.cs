using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>What /openapi/v1.json says about who sees and owns each shared resource's records.</summary>
public sealed class ResourceOpenApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    public static TheoryData<string> WorkspaceWide =>
        ["/api/v1/pipelines", "/api/v1/products", "/api/v1/territories", "/api/v1/lead-scoring-rules", "/api/v1/custom-fields", "/api/v1/tags",
            "/api/v1/activity-templates"];

    public static TheoryData<string, string> Owned =>
        new() { { "/api/v1/contacts", "ownerId" }, { "/api/v1/deals", "ownerId" }, { "/api/v1/activities", "ownerId" }, { "/api/v1/tasks", "assignedTo" } };

    [Theory]
    [MemberData(nameof(WorkspaceWide))]
    public async Task Workspace_wide_resources_say_every_member_sees_them_and_never_that_the_caller_owns_them(string path)
    {
        var paths = await PathsAsync();
        foreach (var description in Descriptions(paths, path))
        {
            Assert.DoesNotContain("owned by", description, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("record scope (own", description, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("every member sees all", Description(paths, path, "get"));
        Assert.Contains("every member sees all", Description(paths, path + "/{id}", "get"));
        Assert.Contains("Workspace-wide: no owner", Description(paths, path, "post"));
        Assert.Contains("Workspace-wide: no owner", Description(paths, path + "/batch", "post"));
    }

    [Theory]
    [MemberData(nameof(Owned))]
    public async Task Owned_resources_say_whose_records_the_caller_sees_and_owns(string path, string ownerField)
    {
        var paths = await PathsAsync();
        Assert.Contains($"caller's record scope (own, team or all, by {ownerField})", Description(paths, path, "get"));
        Assert.Contains($"Owned by the caller unless {ownerField} says otherwise.", Description(paths, path, "post"));
        Assert.DoesNotContain("every member sees", Description(paths, path, "get"));
    }

    [Fact]
    public async Task Saved_views_claim_no_owner_field()
    {
        var paths = await PathsAsync();
        Assert.All(Descriptions(paths, "/api/v1/saved-views"), d => Assert.DoesNotContain("unless ownerId", d));
    }

    private async Task<JsonElement> PathsAsync()
    {
        using var client = api.CreateClient();
        return (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
    }

    private static string Description(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("description").GetString()!;

    /// <summary>The descriptions of every operation under <paramref name="prefix"/>.</summary>
    private static List<string> Descriptions(JsonElement paths, string prefix) =>
    [
        .. paths.EnumerateObject().Where(p => p.Name == prefix || p.Name.StartsWith(prefix + "/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("description", out _))
            .Select(o => o.Value.GetProperty("description").GetString()!),
    ];
}
