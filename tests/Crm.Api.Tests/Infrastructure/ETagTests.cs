using Crm.Api.Infrastructure.Concurrency;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Api.Tests.Infrastructure;

public sealed class ETagTests
{
    private static HttpRequest Request(string? ifMatch)
    {
        var context = new DefaultHttpContext();
        if (ifMatch is not null)
        {
            context.Request.Headers.IfMatch = ifMatch;
        }
        return context.Request;
    }

    [Fact]
    public void The_etag_is_the_quoted_version()
    {
        Assert.Equal("\"4294967295\"", ETags.Format(uint.MaxValue));
        var context = new DefaultHttpContext();
        context.Response.SetETag(812);
        Assert.Equal("\"812\"", context.Response.Headers.ETag.ToString());
    }

    [Theory]
    [InlineData(null, IfMatchResult.Missing)]
    [InlineData("", IfMatchResult.Missing)]
    [InlineData("\"812\"", IfMatchResult.Match)]
    [InlineData("W/\"812\"", IfMatchResult.Match)]
    [InlineData("\"1\", \"812\"", IfMatchResult.Match)]
    [InlineData("*", IfMatchResult.Match)]
    [InlineData("\"811\"", IfMatchResult.Mismatch)]
    [InlineData("\"8120\"", IfMatchResult.Mismatch)]
    [InlineData("812", IfMatchResult.Malformed)]
    [InlineData("\"812", IfMatchResult.Malformed)]
    public void If_match_is_compared_with_the_current_version(string? ifMatch, IfMatchResult expected) =>
        Assert.Equal(expected, ETags.CheckIfMatch(Request(ifMatch), 812));

    [Fact]
    public void Preconditions_answer_428_412_or_400()
    {
        Assert.Null(ETags.PreconditionProblem(Request("\"5\""), 5));
        Assert.Equal(428, Assert.IsType<ProblemHttpResult>(ETags.PreconditionProblem(Request(null), 5)).StatusCode);
        Assert.Equal(412, Assert.IsType<ProblemHttpResult>(ETags.PreconditionProblem(Request("\"4\""), 5)).StatusCode);
        var malformed = Assert.IsType<ValidationProblem>(ETags.PreconditionProblem(Request("five"), 5));
        Assert.Contains("If-Match", malformed.ProblemDetails.Errors.Keys);
    }

    [Theory]
    [InlineData("\"17\"", true, 17u)]
    [InlineData("W/\"17\"", true, 17u)]
    [InlineData("*", false, 0u)]
    [InlineData("\"a\"", false, 0u)]
    [InlineData("\"1\", \"2\"", false, 0u)]
    public void The_version_an_if_match_names(string ifMatch, bool parsed, uint version)
    {
        Assert.Equal(parsed, ETags.TryParseVersion(Request(ifMatch), out var actual));
        Assert.Equal(version, actual);
    }
}
