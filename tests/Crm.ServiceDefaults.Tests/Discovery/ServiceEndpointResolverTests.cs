using Crm.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;

namespace Crm.ServiceDefaults.Tests.Discovery;

public sealed class ServiceEndpointResolverTests
{
    [Fact]
    public void A_known_service_is_replaced_by_its_endpoint_keeping_path_and_query()
    {
        var resolver = Resolver(("services:api:http:0", "http://10.1.2.3:5001"));

        Assert.Equal(new Uri("http://10.1.2.3:5001/x?y=1"), resolver.Resolve(new Uri("http://api/x?y=1")));
    }

    [Fact]
    public void Endpoints_are_read_from_aspire_environment_variables()
    {
        // A unique prefix keeps this process-wide variable away from every other test.
        var prefix = $"CRM_SDT_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}services__api__http__0", "http://10.9.8.7:6000");
        try
        {
            var resolver = new ServiceEndpointResolver(new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build());

            Assert.Equal(new Uri("http://10.9.8.7:6000/ping"), resolver.Resolve(new Uri("http://api/ping")));
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}services__api__http__0", null);
        }
    }

    [Fact]
    public void Https_plus_http_prefers_https_when_the_service_has_it()
    {
        var resolver = Resolver(("services:api:http:0", "http://10.0.0.1:8080"), ("services:api:https:0", "https://10.0.0.1:8443"));

        Assert.Equal(new Uri("https://10.0.0.1:8443/a?b=c"), resolver.Resolve(new Uri("https+http://api/a?b=c")));
    }

    [Fact]
    public void Https_plus_http_falls_back_to_http()
    {
        var resolver = Resolver(("services:api:http:0", "http://10.0.0.1:8080"));

        Assert.Equal(new Uri("http://10.0.0.1:8080/a"), resolver.Resolve(new Uri("https+http://api/a")));
    }

    [Fact]
    public void Replicas_are_used_in_turn()
    {
        var resolver = Resolver(("services:api:http:1", "http://10.0.0.2:80"), ("services:api:http:0", "http://10.0.0.1:80"));

        var hosts = Enumerable.Range(0, 4).Select(_ => resolver.Resolve(new Uri("http://api/")).Host).ToList();

        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.2"], hosts);
    }

    [Theory]
    [InlineData("http://search/x?y=1")]
    [InlineData("http://api:9000/x")]
    [InlineData("https://example.com/")]
    public void Unknown_names_and_schemes_without_endpoints_are_left_unchanged(string address)
    {
        var resolver = Resolver(("services:api:https:0", "https://10.0.0.1:8443"));

        Assert.Equal(new Uri(address), resolver.Resolve(new Uri(address)));
    }

    [Fact]
    public void A_relative_address_is_left_unchanged()
    {
        var resolver = Resolver(("services:api:http:0", "http://10.0.0.1:80"));
        var relative = new Uri("api/x", UriKind.Relative);

        Assert.Same(relative, resolver.Resolve(relative));
    }

    [Theory]
    [InlineData("https+http://search/x?y=1", "https://search/x?y=1")]
    [InlineData("https+http://search:9200/x", "https://search:9200/x")]
    public void An_unknown_name_with_a_composite_scheme_gets_its_first_scheme(string address, string expected)
    {
        var resolver = Resolver(("services:api:http:0", "http://10.0.0.1:80"));

        Assert.Equal(new Uri(expected), resolver.Resolve(new Uri(address)));
    }

    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value)))
            .Build());
}
