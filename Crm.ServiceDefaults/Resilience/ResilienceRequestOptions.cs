namespace Crm.ServiceDefaults.Resilience;

/// <summary>Per-request switches of the standard resilience pipeline.</summary>
public static class ResilienceRequestOptions
{
    /// <summary>
    /// Set on requests whose caller wants one attempt only: health checks (which have their own timeout and should
    /// report the real failure) and interactive page loads (which should fail fast rather than wait out the retries).
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("crm.no-retry");

    public static HttpRequestMessage WithoutRetries(this HttpRequestMessage request)
    {
        request.Options.Set(NoRetry, true);
        return request;
    }
}
