using System.Text;
using Crm.Api.Tests.Companies;
using Xunit.Abstractions;

namespace Crm.Api.Tests.Hostile;

/// <summary>
/// Ten thousand malformed requests over every operation of the OpenAPI document (bad and truncated JSON, wrong types,
/// unknown members, huge and deeply nested bodies, injection strings, invalid UTF-8, path tricks, bad cursors and
/// limits), signed in: not one may answer 5xx. The counts by status are printed.
/// </summary>
public sealed class MalformedRequestTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private const int Requests = 10_000;

    // Operations that would end the caller's own session, after which everything is a 401 and tests nothing.
    private static readonly string[] SessionEnders = ["/api/v1/auth/logout", "/api/v1/auth/sessions", "/api/v1/auth/switch"];

    // (No %00 in a path: the in-process test server refuses it before the app, where Kestrel answers 400 itself.)
    private static readonly string[] IdValues =
    [
        "not-a-guid", "00000000-0000-0000-0000-000000000000", "0199c0de-0000-7000-8000-000000000000", "..%2F..%2Fetc%2Fpasswd",
        "%27%20OR%201%3D1%20--", "%FF%FE", "1e309", "-1", new string('a', 3000), "%E2%80%AE",
    ];

    private static readonly string[] Queries =
    [
        "", "?cursor=garbage", "?cursor=eyJ4IjoxfQ", "?limit=-1", "?limit=99999999999999999999", "?limit=abc", "?sort=;DROP TABLE contacts",
        "?sort=-nope", "?filter[name][regex]=.*", "?filter[createdAt][gt]=yesterday", "?filter[x][y][z]=1", "?q=%00",
        "?q=%FF%FE", "?q=" + new string('x', 5000), "?filter[ownerId]=' OR 1=1 --", "?includeTotal=maybe", "?types=contact,nope",
        "?months=1000", "?entityType=../../x&entityId=1",
    ];

    private static readonly Func<HttpContent>[] Bodies =
    [
        () => Json("{"),
        () => Json("[]"),
        () => Json("null"),
        () => Json("\"text\""),
        () => Json("""{"name": 123, "email": [], "value": "lots", "ownerId": "me", "customFields": "x"}"""),
        () => Json("""{"unknownMember": true, "another": {"deep": [1, 2, 3]}}"""),
        () => Json("""{"name": "'; DROP TABLE companies; --", "email": "<script>alert(1)</script>@x", "q": "${jndi:ldap://x}"}"""),
        () => Json("""{"value": 1e309, "probability": -5, "employeeCount": 99999999999999999999999, "expectedCloseDate": "2030-02-30"}"""),
        () => Json(new string('[', 5000) + new string(']', 5000)),
        () => Json("{\"name\": \"" + new string('x', 2_000_000) + "\"}"),
        () => new ByteArrayContent([0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D]) { Headers = { ContentType = new("application/json") } },
        () => new StringContent("name=x&email=y", Encoding.UTF8, "application/x-www-form-urlencoded"),
        () => new StringContent("<xml/>", Encoding.UTF8, "application/xml"),
        () => Json("""{"items": [{"name": null}, 1, "x", {"email": {"$ne": null}}]}"""),
        () => Json("""{"name": "\u0000", "description": "\ud800"}"""),
    ];

    [Fact]
    public async Task Ten_thousand_malformed_requests_answer_no_5xx()
    {
        var caller = await CompanyApi.RegisterAsync(api);
        using var anonymous = api.CreateClient();
        var operations = (await OpenApiOperations.ReadAsync(anonymous)).All
            .Where(o => !SessionEnders.Any(p => o.Path.StartsWith(p, StringComparison.Ordinal)))
            .Select(o => (o.Method, o.Path))
            .ToList();
        Assert.True(operations.Count > 100, $"only {operations.Count} operations in the OpenAPI document");

        var statuses = new SortedDictionary<int, int>();
        var failures = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var (method, template) = operations[i % operations.Count];
            var path = FillPath(template, i) + Queries[i / operations.Count % Queries.Length];
            using var request = new HttpRequestMessage(method, path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete)
            {
                request.Content = Bodies[(i / 7) % Bodies.Length]();
            }
            if (i % 5 == 0)
            {
                request.Headers.TryAddWithoutValidation("If-Match", i % 10 == 0 ? "\"not-a-version\"" : "garbage");
            }
            using var response = await caller.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500 && failures.Count < 20)
            {
                failures.Add($"{status} {method} {path[..Math.Min(path.Length, 160)]}: {(await response.Content.ReadAsStringAsync())[..Math.Min(200, (int)(response.Content.Headers.ContentLength ?? 200))]}");
            }
        }

        output.WriteLine($"{Requests} malformed requests over {operations.Count} operations: " +
                         string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(failures.Count == 0, "5xx answers:\n" + string.Join("\n", failures));
    }

    private static string FillPath(string template, int i)
    {
        var builder = new StringBuilder();
        var segments = template.Split('/');
        for (var s = 0; s < segments.Length; s++)
        {
            builder.Append(s == 0 ? "" : "/");
            builder.Append(segments[s].StartsWith('{') ? IdValues[(i + s) % IdValues.Length] : segments[s]);
        }
        return builder.ToString();
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
