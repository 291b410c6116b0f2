using System.Text.Json;
using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;
using Crm.ServiceDefaults.Clients;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>
/// The backend as the search service builds it (service defaults, <c>TryAddElasticsearchSearchBackend</c>) against the
/// server in <c>CRM_TEST_ELASTICSEARCH_URL</c>, under an index prefix of its own that is deleted afterwards. Does nothing
/// when the variable is not set (the tests are skipped then).
/// </summary>
public sealed class ElasticsearchContractFixture : IAsyncLifetime
{
    private IHost? _host;

    public string Prefix { get; } = $"crmtest-{Guid.NewGuid():N}"[..20];

    public ISearchBackend Backend => _host?.Services.GetRequiredService<ISearchBackend>()
        ?? throw new InvalidOperationException($"{ElasticsearchFactAttribute.UrlVariable} is not set.");

    private HttpClient Client => _host!.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ElasticsearchRegistration.HttpClientName);

    public Task InitializeAsync()
    {
        if (ElasticsearchFactAttribute.Url is not { } url)
        {
            return Task.CompletedTask;
        }
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:elasticsearch"] = url,
            ["Search:Elasticsearch:IndexPrefix"] = Prefix,
            // A single-node test cluster cannot place replicas (it would stay yellow).
            ["Search:Elasticsearch:NumberOfReplicas"] = "0",
        });
        builder.AddServiceDefaults();
        if (!builder.TryAddElasticsearchSearchBackend())
        {
            throw new InvalidOperationException("TryAddElasticsearchSearchBackend registered nothing although the connection string is set.");
        }
        _host = builder.Build();
        return Task.CompletedTask;
    }

    /// <summary>Makes what was written searchable now (Elasticsearch is near real-time: one second by default).</summary>
    public async Task RefreshAsync()
    {
        using var response = await Client.PostAsync($"{Prefix}-*/_refresh", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The concrete indexes of this fixture's prefix and the aliases on each.</summary>
    public async Task<Dictionary<string, string[]>> IndexesAsync()
    {
        using var response = await Client.GetAsync($"{Prefix}-*/_alias");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.EnumerateObject().ToDictionary(
            index => index.Name,
            index => index.Value.GetProperty("aliases").EnumerateObject().Select(alias => alias.Name).ToArray());
    }

    public async Task DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }
        try
        {
            // By name: clusters refuse wildcard deletes (action.destructive_requires_name).
            var indexes = await IndexesAsync();
            if (indexes.Count > 0)
            {
                (await Client.DeleteAsync(string.Join(',', indexes.Keys))).Dispose();
            }
            (await Client.DeleteAsync($"_index_template/{Prefix}-search")).Dispose();
        }
        finally
        {
            _host.Dispose();
        }
    }
}
