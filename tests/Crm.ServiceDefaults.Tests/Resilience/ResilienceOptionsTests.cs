using Crm.ServiceDefaults.Resilience;
using Crm.ServiceDefaults.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.ServiceDefaults.Tests.Resilience;

public sealed class ResilienceOptionsTests
{
    [Fact]
    public void Settings_bind_from_the_resilience_section()
    {
        using var host = ServiceHosts.BuildWorker(
        [
            new("Resilience:RetryBaseDelay", "00:00:00.010"),
            new("Resilience:AttemptTimeout", "00:00:01.500"),
            new("Resilience:TotalTimeout", "00:01:00"),
            new("Resilience:MaxRetryAttempts", "5"),
        ]);

        var options = host.Services.GetRequiredService<IOptions<ResilienceOptions>>().Value;

        Assert.Equal(TimeSpan.FromMilliseconds(10), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TotalTimeout);
        Assert.Equal(5, options.MaxRetryAttempts);
    }

    [Fact]
    public void Without_settings_the_defaults_of_microsoft_extensions_http_resilience_apply()
    {
        using var host = ServiceHosts.BuildWorker([]);

        var options = host.Services.GetRequiredService<IOptions<ResilienceOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryBaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.TotalTimeout);
        Assert.Equal(3, options.MaxRetryAttempts);
    }
}
