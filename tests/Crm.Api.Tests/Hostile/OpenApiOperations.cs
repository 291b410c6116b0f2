using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Api.Tests.Hostile;

/// <summary>One operation of the API's OpenAPI document: its method, its path template and its description.</summary>
internal sealed record ApiOperation(HttpMethod Method, string Path, JsonElement Description);

/// <summary>
/// The operations of the API's own OpenAPI document, for the hostile tests that go over every one of them: an endpoint
/// added to the API is attacked without anyone listing it.
/// </summary>
internal sealed class OpenApiOperations(JsonElement document, List<ApiOperation> operations)
{
    public List<ApiOperation> All { get; } = operations;

    /// <summary>Reads /openapi/v1.json from the API under test.</summary>
    public static async Task<OpenApiOperations> ReadAsync(HttpClient client)
    {
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                operations.Add(new ApiOperation(new HttpMethod(operation.Name.ToUpperInvariant()), path.Name, operation.Value));
            }
        }
        return new OpenApiOperations(document, operations);
    }

    /// <summary>
    /// The members of the operation's JSON request body (of each item, for a batch of <c>items</c>) with their schemas;
    /// empty when it takes no JSON body.
    /// </summary>
    public IReadOnlyList<(string Name, JsonElement Schema)> BodyMembers(ApiOperation operation)
    {
        if (!operation.Description.TryGetProperty("requestBody", out var body) ||
            !body.GetProperty("content").EnumerateObject().Any(c => c.Name.Contains("json", StringComparison.Ordinal)))
        {
            return [];
        }
        var schema = Resolve(body.GetProperty("content").EnumerateObject().First(c => c.Name.Contains("json", StringComparison.Ordinal)).Value.GetProperty("schema"));
        if (IsBatch(operation))
        {
            schema = Resolve(Resolve(schema.GetProperty("properties").GetProperty("items")).GetProperty("items"));
        }
        return schema.TryGetProperty("properties", out var properties)
            ? [.. properties.EnumerateObject().Select(p => (p.Name, Resolve(p.Value)))]
            : [];
    }

    /// <summary>
    /// The members of the items a list operation answers (<c>data</c> of its page); of the list beside it for a CSV
    /// export; empty for an operation that answers no list.
    /// </summary>
    public IReadOnlyList<string> ListItemMembers(ApiOperation operation)
    {
        if (operation.Path.EndsWith("/export", StringComparison.Ordinal))
        {
            var list = All.FirstOrDefault(o => o.Method == HttpMethod.Get && o.Path == operation.Path[..^"/export".Length]);
            return list is null ? [] : ListItemMembers(list);
        }
        if (!operation.Description.GetProperty("responses").TryGetProperty("200", out var ok) || !ok.TryGetProperty("content", out var content) ||
            !content.TryGetProperty("application/json", out var json))
        {
            return [];
        }
        var schema = Resolve(json.GetProperty("schema"));
        if (!schema.TryGetProperty("properties", out var properties) || !properties.TryGetProperty("data", out var data) ||
            !Resolve(data).TryGetProperty("items", out var items) || !Resolve(items).TryGetProperty("properties", out var members))
        {
            return [];
        }
        return [.. members.EnumerateObject().Select(m => m.Name)];
    }

    /// <summary>The names of the query parameters the operation declares.</summary>
    public static IReadOnlyList<string> QueryParameters(ApiOperation operation) =>
        operation.Description.TryGetProperty("parameters", out var parameters)
            ? [.. parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!)]
            : [];

    /// <summary>Whether the operation takes a JSON body (a multipart upload does not).</summary>
    public static bool TakesJson(ApiOperation operation) =>
        operation.Description.TryGetProperty("requestBody", out var body) &&
        body.GetProperty("content").EnumerateObject().Any(c => c.Name.Contains("json", StringComparison.Ordinal));

    /// <summary>A batch create: <c>{"items": [...]}</c> of the resource's create body.</summary>
    public static bool IsBatch(ApiOperation operation) => operation.Path.EndsWith("/batch", StringComparison.Ordinal);

    /// <summary>The schema itself, or the component its <c>$ref</c> names.</summary>
    public JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? Resolve(document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]))
            : schema;
}
