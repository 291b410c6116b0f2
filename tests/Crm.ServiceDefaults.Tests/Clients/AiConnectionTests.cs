using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.ServiceDefaults.Tests.Clients;

public sealed class AiConnectionTests
{
    [Fact]
    public void All_parts_are_read()
    {
        var connection = AiConnection.Parse(
            "Endpoint=http://localhost:11434/v1;Key=sk-test;Model=llama3.2;EmbeddingModel=nomic-embed-text");

        Assert.Equal(new AiConnection(new Uri("http://localhost:11434/v1"), "sk-test", "llama3.2", "nomic-embed-text"), connection);
    }

    [Fact]
    public void A_key_alone_is_enough()
    {
        var connection = AiConnection.Parse("Key=sk-test");

        Assert.Equal(new AiConnection(null, "sk-test", null, null), connection);
    }

    [Fact]
    public void An_invalid_endpoint_is_refused_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AiConnection.Parse("Endpoint=not a url;Key=sk-test"));

        Assert.Contains("invalid Endpoint 'not a url'", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Model=gpt-4o-mini")]
    [InlineData("Endpoint=;Key=")]
    public void Without_endpoint_and_key_it_is_refused(string connectionString)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AiConnection.Parse(connectionString));

        Assert.Contains("needs an Endpoint, a Key, or both", error.Message);
    }

    [Fact]
    public void Registration_reports_whether_the_connection_is_configured()
    {
        var without = ServiceHosts.CreateWorkerBuilder([]);
        Assert.False(without.AddCrmAiConnection());
        using (var host = without.Build())
        {
            Assert.Null(host.Services.GetService<AiConnection>());
        }

        var with = ServiceHosts.CreateWorkerBuilder([new("ConnectionStrings:ai", "Endpoint=https://api.openai.com/v1;Key=sk-test;Model=gpt-4o-mini")]);
        Assert.True(with.AddCrmAiConnection());
        using (var host = with.Build())
        {
            var connection = host.Services.GetRequiredService<AiConnection>();
            Assert.Equal(new Uri("https://api.openai.com/v1"), connection.Endpoint);
            Assert.Equal("gpt-4o-mini", connection.Model);
        }
    }
}
