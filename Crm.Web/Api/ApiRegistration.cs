using Crm.ServiceDefaults.Resilience;
using Crm.Web.Records;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Web.Api;

public static class ApiRegistration
{
    /// <summary>"https+http": https when the AppHost gives the API an https endpoint, otherwise http.</summary>
    internal static readonly Uri ApiBaseAddress = new("https+http://api/");

    /// <summary>
    /// The typed <see cref="CrmApi"/> client (per circuit: it carries the signed-in user's tokens) and a readiness
    /// check of the API.
    /// </summary>
    public static IHostApplicationBuilder AddCrmApiClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<CrmApi>(client => client.BaseAddress = ApiBaseAddress);
        builder.Services.AddHttpClient(AnonymousClient, client => client.BaseAddress = ApiBaseAddress);
        builder.Services.AddScoped<WorkspaceDirectory>();
        builder.Services.AddScoped<UserClock>();

        // The web is ready only when it can reach the API (readiness, not liveness: /alive stays up without it).
        builder.Services.AddHealthChecks().AddCheck<ApiHealthCheck>("api", timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>The client for calls made before anyone is signed in (sign-in, sign-up, token refresh, health).</summary>
    internal const string AnonymousClient = "api-anonymous";

    private sealed class ApiHealthCheck(IHttpClientFactory httpClientFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "alive").WithoutRetries();
                using var response = await httpClientFactory.CreateClient(AnonymousClient).SendAsync(request, cancellationToken);
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
