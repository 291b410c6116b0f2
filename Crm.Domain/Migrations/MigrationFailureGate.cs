using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crm.Domain.Migrations;

/// <summary>
/// The outermost middleware of a web host that runs the migrations: once they have failed it answers every request
/// (health checks included) with 503, for the moment between the server starting and the host stopping (see
/// <see cref="MigrationHostedService"/>). Otherwise it only passes the request on.
/// </summary>
internal sealed class MigrationFailureGate(MigrationHostedService migrations) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (!migrations.Failed)
            {
                return nextMiddleware(context);
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        next(app);
    };
}
