using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Crm.ServiceDefaults.Resilience;

public static class ResilienceExtensions
{
    /// <summary>
    /// Adds the standard pipeline (timeouts, retry with jitter, circuit breaker) to this client, or to every client
    /// when called inside <c>ConfigureHttpClientDefaults</c>. Settings bind from the "Resilience" section.
    /// </summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<ResilienceOptions>().BindConfiguration("Resilience");
        builder.Services.TryAddSingleton<ResiliencePipelineRegistry<string>>();

        // Configured by name rather than through AddHttpMessageHandler so that the defaults builder (which has no
        // name) still gives each client its own pipeline, keyed by the client's name.
        builder.Services.Configure<HttpClientFactoryOptions>(builder.Name, factoryOptions =>
            factoryOptions.HttpMessageHandlerBuilderActions.Add(handlers =>
            {
                var clientName = handlers.Name ?? Options.DefaultName;
                var registry = handlers.Services.GetRequiredService<ResiliencePipelineRegistry<string>>();
                var options = handlers.Services.GetRequiredService<IOptions<ResilienceOptions>>().Value;
                registry.TryAddBuilder<HttpResponseMessage>(clientName, (pipeline, _) => StandardResilienceHandler.Configure(pipeline, options));
                handlers.AdditionalHandlers.Add(new StandardResilienceHandler(registry, clientName));
            }));
        return builder;
    }
}
