using Crm.Domain;
using Crm.Domain.Outbox;

namespace Crm.Api.Infrastructure.Caching;

public static class CachingExtensions
{
    /// <summary>
    /// The Redis cache of hot reads (docs/architecture.md, "Caching and Redis"): options from section <c>Cache</c>,
    /// the invalidating SaveChanges interceptor on <see cref="CrmDbContext"/>, and the outbox consumer "cache". Needs
    /// AddCrmRedis and AddCrmDbContext.
    /// </summary>
    public static IHostApplicationBuilder AddCrmCaching(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<CacheOptions>(builder.Configuration.GetSection(CacheOptions.SectionName));
        builder.Services.AddSingleton<CacheTelemetry>();
        builder.Services.AddSingleton<RedisCircuit>();
        builder.Services.AddSingleton<RedisCache>();
        builder.Services.AddSingleton<RecordCache>();
        builder.Services.AddSingleton<SearchResultCache>();
        builder.Services.AddSingleton<CacheInvalidationInterceptor>();
        // Composes with AddCrmDbContext's pooled factory; a pooled context's interceptors are singletons.
        builder.Services.ConfigureDbContext<CrmDbContext>((services, options) =>
            options.AddInterceptors(services.GetRequiredService<CacheInvalidationInterceptor>()), ServiceLifetime.Singleton);
        builder.AddOutboxConsumer<CacheInvalidator>();
        return builder;
    }
}
