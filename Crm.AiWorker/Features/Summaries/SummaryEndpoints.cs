using Crm.Domain;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Summaries;

public static class SummaryEndpoints
{
    /// <summary>
    /// <c>POST /summaries/{type}/{id}?workspace=</c>: the record's summary, from the cache or written now. Crm.Api has
    /// checked that its caller may see the record; this service trusts the workspace it is given (ServiceKey.Ai).
    /// The summary is written under the worker's own lifetime, not the request's: a caller that stops waiting (a slow
    /// language model) still finds it cached on its next request.
    /// </summary>
    public static RouteGroupBuilder MapSummaryEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/summaries/{type}/{id:guid}", SummarizeAsync);
        return group;
    }

    private static async Task<Results<Ok<SummaryAnswer>, NotFound, ValidationProblem>> SummarizeAsync(
        string type, Guid id, Guid? workspace, IDbContextFactory<CrmDbContext> contexts, SummaryService summaries,
        IHostApplicationLifetime lifetime)
    {
        if (workspace is null || !Timelines.Types.Contains(type))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["request"] = [$"Give ?workspace= and a type of {string.Join(", ", Timelines.Types)}."],
            });
        }
        await using var db = await contexts.CreateDbContextAsync(lifetime.ApplicationStopping);
        db.UseSession(new TenantSession(workspace, null));
        var answer = await summaries.GetAsync(db, type, id, lifetime.ApplicationStopping);
        return answer is null ? TypedResults.NotFound() : TypedResults.Ok(answer);
    }
}

public static class SummaryRegistration
{
    public static IHostApplicationBuilder AddSummaries(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SummaryGenerator>();
        builder.Services.AddSingleton<SummaryService>();
        builder.Services.AddHostedService<SummaryRetries>();
        return builder;
    }
}
