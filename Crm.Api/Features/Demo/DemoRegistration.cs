using Microsoft.Extensions.Options;

namespace Crm.Api.Features.Demo;

public static class DemoRegistration
{
    /// <summary>
    /// The demo workspace: its options (<see cref="DemoOptions"/>, section Demo; checked at start, so Demo:Enabled
    /// without Demo:Password stops the API with that message) and the hosted service that fills it when enabled.
    /// </summary>
    public static IHostApplicationBuilder AddCrmDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        builder.Services.AddSingleton<DemoWorkspace>();
        builder.Services.AddHostedService<DemoSeeder>();
        return builder;
    }

    private sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
    {
        public ValidateOptionsResult Validate(string? name, DemoOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
