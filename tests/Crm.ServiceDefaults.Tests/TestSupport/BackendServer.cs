using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crm.ServiceDefaults.Tests.TestSupport;

/// <summary>A minimal real HTTP server that the clients under test call; counts the requests it receives.</summary>
public static class BackendServer
{
    public static async Task<RunningApp> StartAsync(Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        mapEndpoints(app);
        return await RunningApp.StartAsync(app);
    }

    /// <summary>Waits until the client gives up on the request (or the server stops): a request that never answers.</summary>
    public static async Task HangAsync(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.Infinite, gone.Token);
        }
        catch (OperationCanceledException)
        {
            // The client went away; nothing to answer.
        }
    }
}
