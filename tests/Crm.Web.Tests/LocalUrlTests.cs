using Crm.Web.Components.Account;

namespace Crm.Web.Tests;

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/contacts?sort=-createdAt", "/contacts?sort=-createdAt")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("contacts", "/")]
    public void Only_this_sites_paths_are_followed_after_signing_in(string? returnUrl, string expected) =>
        Assert.Equal(expected, LocalUrl.OrHome(returnUrl));
}
