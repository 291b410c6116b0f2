using System.Security.Cryptography;
using System.Text;
using Crm.Domain.Migrations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Crm.Domain;

/// <summary>
/// What Crm.Api shows an internal service (Crm.Search, Crm.AiWorker) in the service's <see cref="HeaderName"/>
/// header: an HMAC of the services' database password (<c>ConnectionStrings:crmdb</c>) under the service's own purpose,
/// which both sides already hold and nothing outside the app does. The internal services take the workspace and record
/// scope from their caller, so they answer only callers that could read the database themselves; no separate secret
/// needs to be generated, stored or rotated, and one service's key opens no other.
/// </summary>
public sealed class ServiceKey
{
    public static readonly ServiceKey Search = new("Crm.Search", "X-Crm-Search-Key", "crm-search-service");

    public static readonly ServiceKey Ai = new("Crm.AiWorker", "X-Crm-Ai-Key", "crm-ai-service");

    private readonly byte[] _purpose;

    private ServiceKey(string service, string headerName, string purpose)
    {
        Service = service;
        HeaderName = headerName;
        _purpose = Encoding.UTF8.GetBytes(purpose);
    }

    public string Service { get; }

    public string HeaderName { get; }

    /// <summary>The key for this configuration, or null when the connection string has no password (then nothing is checked).</summary>
    public string? From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(MigrationExtensions.ServiceConnectionName);
        if (string.IsNullOrEmpty(connectionString) ||
            new NpgsqlConnectionStringBuilder(connectionString).Password is not { Length: > 0 } password)
        {
            return null;
        }
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password), _purpose));
    }

    /// <summary>Whether <paramref name="presented"/> is <paramref name="expected"/>, in constant time.</summary>
    public static bool Matches(string expected, string? presented) =>
        presented is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}

public static class ServiceKeyFilter
{
    /// <summary>
    /// Answers 401 to a request without this deployment's <paramref name="key"/> (computed once here, at start; a
    /// configuration without a database password checks nothing): the internal services trust the workspace and record
    /// scope they are given, so only the app's own services may ask.
    /// </summary>
    public static RouteGroupBuilder RequireServiceKey(this RouteGroupBuilder group, ServiceKey key, IConfiguration configuration)
    {
        var expected = key.From(configuration);
        group.AddEndpointFilter(async (context, next) =>
        {
            if (expected is not null && !ServiceKey.Matches(expected, context.HttpContext.Request.Headers[key.HeaderName]))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: $"{key.Service} answers the app's services only: send the {key.HeaderName} header.");
            }
            return await next(context);
        });
        return group;
    }
}
