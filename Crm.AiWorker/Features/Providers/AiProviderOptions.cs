namespace Crm.AiWorker.Features.Providers;

/// <summary>How the worker talks to the remote AI endpoint (configuration section <c>Ai:Provider</c>).</summary>
public sealed class AiProviderOptions
{
    public const string Section = "Ai:Provider";

    /// <summary>
    /// Retries of a 408, 429 or 5xx answer by the OpenAI SDK, which waits as the server's Retry-After says. The
    /// SDK retries rather than the service defaults' pipeline because that one never repeats a POST, and every
    /// OpenAI call is one.
    /// </summary>
    public int MaxRetries { get; set; } = 3;
}

/// <summary>
/// Prices of the remote model in US cents per 1,000 tokens (configuration section <c>Ai:Pricing</c>), for the
/// cost column of ai_tasks. Both default to 0: a local or self-hosted model costs nothing per call.
/// </summary>
public sealed class AiPricingOptions
{
    public const string Section = "Ai:Pricing";

    public decimal InputPer1kTokens { get; set; }

    public decimal OutputPer1kTokens { get; set; }

    public decimal CostCents(long inputTokens, long outputTokens) =>
        (inputTokens * InputPer1kTokens + outputTokens * OutputPer1kTokens) / 1000m;
}
