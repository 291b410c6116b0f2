using System.Net;
using System.Text.Json;

namespace Crm.Api.Tests.OpenApi;

/// <summary>
/// The OpenAPI document is the integrators' contract (issue #3: "summary, schemas and error responses on every
/// endpoint"): checked over every operation, so an endpoint added without its metadata fails here.
/// </summary>
public sealed class OpenApiDocumentTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    [Fact]
    public async Task Every_api_operation_has_a_name_a_summary_a_success_and_its_error_responses()
    {
        var operations = await OperationsAsync();
        Assert.True(operations.Count > 100, $"Only {operations.Count} operations in the document.");

        var gaps = new List<string>();
        foreach (var (name, path, method, operation) in operations)
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            if (!operation.TryGetProperty("operationId", out _))
            {
                gaps.Add($"{name}: no operationId");
            }
            if (!operation.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
            {
                gaps.Add($"{name}: no summary");
            }
            if (!responses.Keys.Any(status => status.StartsWith('2')))
            {
                gaps.Add($"{name}: no success response");
            }
            var anonymous = path.StartsWith("/api/v1/auth/", StringComparison.Ordinal) && path is not "/api/v1/auth/logout" || path == "/api/v1/info";
            if (!anonymous && !responses.ContainsKey("401"))
            {
                gaps.Add($"{name}: no 401");
            }
            // Whatever takes input (a body, a path id, a query) can refuse it.
            var takesInput = operation.TryGetProperty("requestBody", out _) || operation.TryGetProperty("parameters", out _);
            if (takesInput && !responses.Keys.Any(status => status is "400" or "404" or "422"))
            {
                gaps.Add($"{name}: takes input but documents no 400/404/422");
            }
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5' && r.Key != "401"))
            {
                if (!response.TryGetProperty("content", out var content) ||
                    !content.EnumerateObject().Any(c => c.Name == "application/problem+json"))
                {
                    gaps.Add($"{name}: {status} is not a problem details response");
                }
            }
            if (method is "post" or "put" or "patch" && operation.TryGetProperty("requestBody", out var body) &&
                !body.GetProperty("content").EnumerateObject().Any(c => c.Value.TryGetProperty("schema", out _)))
            {
                gaps.Add($"{name}: its request body has no schema");
            }
        }
        Assert.True(gaps.Count == 0, string.Join(Environment.NewLine, gaps));
    }

    [Fact]
    public async Task Operation_ids_are_unique()
    {
        var operations = await OperationsAsync();
        var repeated = operations.Select(o => o.Operation.GetProperty("operationId").GetString())
            .GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key);
        Assert.Empty(repeated);
    }

    private async Task<List<(string Name, string Path, string Method, JsonElement Operation)>> OperationsAsync()
    {
        using var client = api.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return
        [
            .. document.GetProperty("paths").EnumerateObject()
                .Where(path => path.Name.StartsWith("/api/v1/", StringComparison.Ordinal))
                .SelectMany(path => path.Value.EnumerateObject()
                    .Where(method => Methods.Contains(method.Name))
                    .Select(method => ($"{method.Name.ToUpperInvariant()} {path.Name}", path.Name, method.Name, method.Value))),
        ];
    }
}
