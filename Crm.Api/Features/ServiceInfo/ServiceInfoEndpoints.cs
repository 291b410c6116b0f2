using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Api.Features.ServiceInfo;

public static class ServiceInfoEndpoints
{
    public static IEndpointRouteBuilder MapServiceInfoEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/info", GetInfo)
            .WithName("GetServiceInfo")
            .WithSummary("Name, version and clock of the API")
            .WithDescription("Anonymous; lets clients check that they reach the API and which build answers.")
            .WithTags("Service");
        return routes;
    }

    private static readonly string Version =
        typeof(ServiceInfoEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    internal static Ok<ServiceInfoResponse> GetInfo(IHostEnvironment environment, TimeProvider clock) =>
        TypedResults.Ok(new ServiceInfoResponse("Crm.Api", Version, environment.EnvironmentName, clock.GetUtcNow()));
}

public sealed record ServiceInfoResponse(string Name, string Version, string Environment, DateTimeOffset ServerTime);
