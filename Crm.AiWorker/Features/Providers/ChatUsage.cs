using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Features.Providers;

/// <summary>
/// The tokens one call used and what they cost, for an ai_tasks row. A provider that reports no usage (some
/// OpenAI-compatible servers do not) counts as zero tokens rather than failing the task.
/// </summary>
public sealed record ChatUsage(long InputTokens, long OutputTokens, decimal CostCents)
{
    public static ChatUsage None { get; } = new(0, 0, 0m);

    public long TotalTokens => InputTokens + OutputTokens;

    public static ChatUsage From(ChatResponse response, AiPricingOptions pricing) => From(response.Usage, pricing);

    public static ChatUsage From(GeneratedEmbeddings<Embedding<float>> embeddings, AiPricingOptions pricing) =>
        From(embeddings.Usage, pricing);

    public static ChatUsage From(UsageDetails? usage, AiPricingOptions pricing)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        return new ChatUsage(input, output, pricing.CostCents(input, output));
    }
}
