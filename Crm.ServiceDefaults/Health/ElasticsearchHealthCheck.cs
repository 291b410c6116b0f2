using System.Net.Http.Json;
using Crm.ServiceDefaults.Resilience;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.ServiceDefaults.Health;

/// <summary>Healthy when the cluster is green, degraded when yellow, unhealthy when red or unreachable.</summary>
internal sealed class ElasticsearchHealthCheck(IHttpClientFactory httpClientFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var client = httpClientFactory.CreateClient(Clients.ElasticsearchRegistration.HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, "_cluster/health").WithoutRetries();
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var health = await response.Content.ReadFromJsonAsync<ClusterHealth>(cancellationToken);
            return health?.Status switch
            {
                "green" => HealthCheckResult.Healthy("Cluster is green."),
                "yellow" => HealthCheckResult.Degraded("Cluster is yellow."),
                var status => new HealthCheckResult(context.Registration.FailureStatus, $"Cluster status is '{status}'."),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or Polly.ExecutionRejectedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Elasticsearch is unreachable.", exception);
        }
    }

    private sealed record ClusterHealth(string? Status);
}
