using System.Net;
using Crm.ServiceDefaults.Clients;

namespace Crm.ServiceDefaults.Tests.Clients;

public sealed class RedisRegistrationTests
{
    [Fact]
    public void An_aspire_connection_string_gives_endpoint_and_password_and_never_aborts_on_connect_failure()
    {
        var options = RedisRegistration.ParseOptions("localhost:6379,password=x", "crm-api");

        var endpoint = Assert.IsType<DnsEndPoint>(Assert.Single(options.EndPoints));
        Assert.Equal("localhost", endpoint.Host);
        Assert.Equal(6379, endpoint.Port);
        Assert.Equal("x", options.Password);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("crm-api", options.ClientName);
    }

    [Fact]
    public void An_explicit_abort_connect_is_overridden_and_an_explicit_client_name_is_kept()
    {
        var options = RedisRegistration.ParseOptions("127.0.0.1:6380,abortConnect=true,name=custom", "crm-api");

        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("custom", options.ClientName);
        Assert.Null(options.Password);
    }
}
