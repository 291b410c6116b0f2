using Crm.AiWorker.Features.Providers;
using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Tests.Providers;

public sealed class ChatUsageTests
{
    [Fact]
    public void The_cost_is_each_token_count_times_its_price_per_thousand_in_cents()
    {
        var pricing = new AiPricingOptions { InputPer1kTokens = 0.25m, OutputPer1kTokens = 1m };

        var usage = ChatUsage.From(new UsageDetails { InputTokenCount = 2_000, OutputTokenCount = 500 }, pricing);

        Assert.Equal(new ChatUsage(2_000, 500, 1m), usage);
        Assert.Equal(2_500, usage.TotalTokens);
    }

    [Fact]
    public void Without_usage_or_prices_it_is_zero()
    {
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"));

        Assert.Equal(ChatUsage.None, ChatUsage.From(response, new AiPricingOptions { InputPer1kTokens = 3m }));
        Assert.Equal(0m, ChatUsage.From(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 10 }, new AiPricingOptions()).CostCents);
    }
}
