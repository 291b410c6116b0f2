using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Api.Infrastructure.Patching;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Api.Tests.Infrastructure;

public sealed class MergePatchTests
{
    public sealed record Address(string City, string? Street);

    public sealed record ContactUpdate(
        string Name, string? Email, int Score, decimal? Amount, bool Active, DateTimeOffset? At, MemberRole Role, Guid? OwnerId,
        Address? Address, JsonObject? CustomFields, IReadOnlyList<string> Tags);

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static readonly ContactUpdate Current = new(
        "Ada", "ada@example.com", 10, 5.5m, true, null, MemberRole.SalesRep, null,
        new Address("London", "1 Main St"), new JsonObject { ["tier"] = "gold", ["size"] = 3 }, ["vip"]);

    private static MergePatchResult<ContactUpdate> Patch(string json) => MergePatch.Apply(Current, json, Options);

    private static ContactUpdate Patched(string json)
    {
        var result = Patch(json);
        Assert.True(result.IsValid, string.Join("; ", result.Errors?.SelectMany(e => e.Value) ?? []));
        return result.Value!;
    }

    private static string Error(string json, string key)
    {
        var result = Patch(json);
        Assert.False(result.IsValid);
        Assert.True(result.Errors!.ContainsKey(key), $"errors: {string.Join(", ", result.Errors.Keys)}");
        return Assert.Single(result.Errors[key]);
    }

    // RFC 7396, Appendix A: target, patch, result.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Rfc_7396_appendix_examples(string target, string patch, string expected)
    {
        var result = MergePatch.MergeUntyped(JsonNode.Parse(target), JsonNode.Parse(patch));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), result), result?.ToJsonString() ?? "null");
    }

    [Fact]
    public void Members_in_the_patch_replace_and_the_rest_stay()
    {
        var patched = Patched("""{"name":"Grace","score":42,"active":false,"at":"2025-01-02T03:04:05Z","role":"viewer","tags":["a","b"]}""");

        Assert.Equal(Current with
        {
            Name = "Grace", Score = 42, Active = false, At = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), Role = MemberRole.Viewer,
            Tags = patched.Tags, Address = patched.Address, CustomFields = patched.CustomFields,
        }, patched);
        Assert.Equal(["a", "b"], patched.Tags);
        Assert.Equal("ada@example.com", patched.Email);
    }

    [Fact]
    public void An_empty_patch_changes_nothing()
    {
        var patched = Patched("{}");
        Assert.Equal((Current.Name, Current.Score, Current.Address), (patched.Name, patched.Score, patched.Address));
    }

    [Fact]
    public void Null_clears_nullable_members()
    {
        var patched = Patched("""{"email":null,"amount":null,"address":null,"customFields":null}""");
        Assert.Null(patched.Email);
        Assert.Null(patched.Amount);
        Assert.Null(patched.Address);
        Assert.Null(patched.CustomFields);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("score")]
    [InlineData("active")]
    [InlineData("role")]
    [InlineData("tags")]
    public void Null_for_a_required_member_is_an_error(string member) =>
        Assert.Equal($"'{member}' cannot be null.", Error($$"""{"{{member}}":null}""", member));

    [Fact]
    public void Nested_objects_merge_member_by_member()
    {
        var patched = Patched("""{"address":{"city":"Paris"}}""");
        Assert.Equal(new Address("Paris", "1 Main St"), patched.Address);

        Assert.Equal("'address.city' cannot be null.", Error("""{"address":{"city":null}}""", "address.city"));
        Assert.StartsWith("'address.zip' is not a field", Error("""{"address":{"zip":"75001"}}""", "address.zip"));
    }

    [Fact]
    public void Free_json_members_merge_by_the_rfc()
    {
        var patched = Patched("""{"customFields":{"tier":null,"region":"emea","nested":{"x":1}}}""");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"size":3,"region":"emea","nested":{"x":1}}"""), patched.CustomFields));
    }

    [Fact]
    public void Unknown_members_are_each_named()
    {
        var result = Patch("""{"nmae":"x","id":"1","name":"ok"}""");
        Assert.False(result.IsValid);
        Assert.Equal(["id", "nmae"], result.Errors!.Keys.Order());
        Assert.StartsWith("'nmae' is not a field of this resource; fields: name, email, score", result.Errors["nmae"][0]);
    }

    [Theory]
    [InlineData("""{"name":5}""", "name", "'name' must be a string.")]
    [InlineData("""{"score":"ten"}""", "score", "'score' must be a whole number.")]
    [InlineData("""{"score":1.5}""", "score", "'score' must be a whole number.")]
    [InlineData("""{"amount":true}""", "amount", "'amount' must be a number.")]
    [InlineData("""{"active":"yes"}""", "active", "'active' must be true or false.")]
    [InlineData("""{"at":"tomorrow"}""", "at", "'at' must be an ISO 8601 date-time string.")]
    [InlineData("""{"ownerId":"nope"}""", "ownerId", "'ownerId' must be a UUID string.")]
    [InlineData("""{"role":"boss"}""", "role", "'role' must be one of: owner, admin, manager, sales_rep, support_agent, viewer.")]
    [InlineData("""{"tags":"vip"}""", "tags", "'tags' must be an array.")]
    [InlineData("""{"address":"London"}""", "address", "'address' must be an object.")]
    public void Wrong_json_types_name_the_member(string json, string key, string message) => Assert.Equal(message, Error(json, key));

    [Theory]
    [InlineData("{\"name\":", "The body is not valid JSON")]
    [InlineData("", "The body is not valid JSON")]
    [InlineData("[]", "A merge patch must be a JSON object.")]
    [InlineData("\"x\"", "A merge patch must be a JSON object.")]
    [InlineData("null", "A merge patch must be a JSON object.")]
    public void The_body_must_be_a_json_object(string json, string message) => Assert.StartsWith(message, Error(json, "body"));

    [Theory]
    [InlineData("application/merge-patch+json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task ReadAsync_accepts_merge_patch_and_json(string contentType)
    {
        var outcome = await MergePatchRequest.ReadAsync(Request(contentType, """{"score":7}"""), Current);
        Assert.Null(outcome.Problem);
        Assert.Equal(7, outcome.Value!.Score);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json-patch+json")]
    [InlineData(null)]
    public async Task ReadAsync_answers_415_for_other_content_types(string? contentType)
    {
        var outcome = await MergePatchRequest.ReadAsync(Request(contentType, """{"score":7}"""), Current);
        Assert.Equal(StatusCodes.Status415UnsupportedMediaType, Assert.IsType<ProblemHttpResult>(outcome.Problem).StatusCode);
    }

    [Fact]
    public async Task ReadAsync_answers_400_with_the_errors()
    {
        var outcome = await MergePatchRequest.ReadAsync(Request(MergePatchRequest.MediaType, """{"score":"x"}"""), Current);
        var problem = Assert.IsType<ValidationProblem>(outcome.Problem);
        Assert.Equal(400, problem.StatusCode);
        Assert.Contains("score", problem.ProblemDetails.Errors.Keys);
    }

    private static HttpRequest Request(string? contentType, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context.Request;
    }
}
