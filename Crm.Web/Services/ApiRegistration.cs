using Crm.ServiceDefaults.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Web.Services;

public static class ApiRegistration
{
    /// <summary>"https+http": https when the AppHost gives the API an https endpoint, otherwise http.</summary>
    private static readonly Uri ApiBaseAddress = new("https+http://api/");

    public static IHostApplicationBuilder AddCrmApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<CrmApiClient>(client => client.BaseAddress = ApiBaseAddress);

        // The web is ready only when it can reach the API (readiness, not liveness: /alive stays up without it).
        builder.Services.AddHttpClient(nameof(ApiHealthCheck), client => client.BaseAddress = ApiBaseAddress);
        builder.Services.AddHealthChecks().AddCheck<ApiHealthCheck>("api", timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    private sealed class ApiHealthCheck(IHttpClientFactory httpClientFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "alive").WithoutRetries();
                using var response = await httpClientFactory.CreateClient(nameof(ApiHealthCheck)).SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy()
                    : new HealthCheckResult(context.Registration.FailureStatus, $"The API answered {(int)response.StatusCode}.");
            }
            catch (Exception exception) when (exception is HttpRequestException or Polly.ExecutionRejectedException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "The API is unreachable.", exception);
            }
        }
    }
}
