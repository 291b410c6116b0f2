using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.ServiceDefaults.Discovery;

public static class ServiceDiscoveryExtensions
{
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        services.TryAddTransient<ServiceDiscoveryHandler>();
        return services;
    }

    /// <summary>Lets this client use logical addresses such as <c>http://api</c>.</summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        return builder.AddHttpMessageHandler<ServiceDiscoveryHandler>();
    }

    /// <summary>Rewrites each request's address just before it is sent, so every retry can pick another replica.</summary>
    private sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var logicalUri = request.RequestUri;
            if (logicalUri is null)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            request.RequestUri = resolver.Resolve(logicalUri);
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            finally
            {
                // A retry sends this same message again: it must find the logical address, not the replica just tried.
                request.RequestUri = logicalUri;
            }
        }
    }
}
