using Crm.Domain.Search;
using Crm.ServiceDefaults.Clients;

namespace Crm.Search.Backends.Elasticsearch;

public static class ElasticsearchSearchBackendRegistration
{
    /// <summary>
    /// When <c>ConnectionStrings:elasticsearch</c> is set: the "elasticsearch" HttpClient and health check
    /// (<c>AddCrmElasticsearch</c>), settings from <c>Search:Elasticsearch</c>, and <see cref="ElasticsearchSearchBackend"/>
    /// as the <see cref="ISearchBackend"/> singleton. Returns false, registering nothing, when it is not set: the caller
    /// then registers the PostgreSQL backend.
    /// </summary>
    public static bool TryAddElasticsearchSearchBackend(this IHostApplicationBuilder builder)
    {
        if (!builder.AddCrmElasticsearch())
        {
            return false;
        }
        builder.Services.AddOptions<ElasticsearchSearchOptions>()
            .BindConfiguration(ElasticsearchSearchOptions.SectionName)
            .Validate(options => options.Validate() is null, $"{ElasticsearchSearchOptions.SectionName} has invalid settings; see ElasticsearchSearchOptions.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ElasticsearchSearchBackend>();
        builder.Services.AddSingleton<ISearchBackend>(services => services.GetRequiredService<ElasticsearchSearchBackend>());
        return true;
    }
}
