using System.Text;
using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.ServiceDefaults.Tests.Clients;

public sealed class ElasticsearchRegistrationTests
{
    [Fact]
    public void User_info_becomes_a_basic_authorization_header_and_leaves_the_base_address()
    {
        var endpoint = ElasticsearchRegistration.ParseEndpoint("http://elastic:p%40ss:w0rd@localhost:9200");

        Assert.Equal(new Uri("http://localhost:9200/"), endpoint.BaseAddress);
        Assert.Empty(endpoint.BaseAddress.UserInfo);
        Assert.NotNull(endpoint.Authorization);
        Assert.Equal("Basic", endpoint.Authorization.Scheme);
        Assert.Equal("elastic:p@ss:w0rd", Encoding.UTF8.GetString(Convert.FromBase64String(endpoint.Authorization.Parameter!)));
    }

    [Theory]
    [InlineData("https://search.example:9243", "https://search.example:9243/")]
    [InlineData("http://localhost:9200/es", "http://localhost:9200/es/")]
    [InlineData(" http://localhost:9200/es/ ", "http://localhost:9200/es/")]
    public void The_base_address_ends_with_a_slash_and_has_no_credentials(string connectionString, string expected)
    {
        var endpoint = ElasticsearchRegistration.ParseEndpoint(connectionString);

        Assert.Equal(new Uri(expected), endpoint.BaseAddress);
        Assert.Null(endpoint.Authorization);
    }

    [Theory]
    [InlineData("ftp://localhost:9200")]
    [InlineData("localhost:9200")]
    [InlineData("not a url")]
    public void Anything_but_an_http_url_is_refused_clearly(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ElasticsearchRegistration.ParseEndpoint(connectionString));

        Assert.Contains("'elasticsearch'", error.Message);
        Assert.Contains("http(s) URL", error.Message);
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_registered()
    {
        var builder = ServiceHosts.CreateWorkerBuilder([]);
        builder.AddServiceDefaults();

        Assert.False(builder.AddCrmElasticsearch());

        using var host = builder.Build();
        Assert.DoesNotContain(HealthCheckNames(host.Services), name => name == ConnectionNames.Elasticsearch);
    }

    [Fact]
    public void With_a_connection_string_a_named_client_and_a_health_check_are_registered()
    {
        var builder = ServiceHosts.CreateWorkerBuilder([new("ConnectionStrings:elasticsearch", "http://elastic:secret@127.0.0.1:9200")]);
        builder.AddServiceDefaults();

        Assert.True(builder.AddCrmElasticsearch());

        using var host = builder.Build();
        Assert.Contains(ConnectionNames.Elasticsearch, HealthCheckNames(host.Services));
        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ElasticsearchRegistration.HttpClientName);
        Assert.Equal(new Uri("http://127.0.0.1:9200/"), client.BaseAddress);
        Assert.Equal("Basic", client.DefaultRequestHeaders.Authorization?.Scheme);
    }

    private static IEnumerable<string> HealthCheckNames(IServiceProvider services) =>
        services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(registration => registration.Name);
}
