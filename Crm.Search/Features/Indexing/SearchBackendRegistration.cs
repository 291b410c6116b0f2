using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;

namespace Crm.Search.Features.Indexing;

public static class SearchBackendRegistration
{
    /// <summary>
    /// The index's backend: Elasticsearch when <c>ConnectionStrings:elasticsearch</c> is set, else PostgreSQL full-text
    /// search (the default, and what Crm.Api falls back to). Logged at startup.
    /// </summary>
    public static IHostApplicationBuilder AddSearchBackend(this IHostApplicationBuilder builder)
    {
        var useElasticsearch = builder.TryAddElasticsearchSearchBackend();
        if (!useElasticsearch)
        {
            builder.Services.AddSingleton<ISearchBackend, PostgresSearchBackend>();
        }
        builder.Services.AddHostedService(services => new StartupLog(
            services.GetRequiredService<ILogger<ISearchBackend>>(), services.GetRequiredService<ISearchBackend>(), useElasticsearch));
        return builder;
    }

    private sealed class StartupLog(ILogger logger, ISearchBackend backend, bool elasticsearchConfigured) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation("Search backend: {Backend}{Reason}", backend.Name,
                elasticsearchConfigured ? "" : " (ConnectionStrings:elasticsearch is not set)");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
