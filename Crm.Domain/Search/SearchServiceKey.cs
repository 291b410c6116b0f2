using System.Security.Cryptography;
using System.Text;
using Crm.Domain.Migrations;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Crm.Domain.Search;

/// <summary>
/// What Crm.Api shows Crm.Search in the <see cref="HeaderName"/> header: an HMAC of the services' database password
/// (<c>ConnectionStrings:crmdb</c>), which both already hold and nothing outside the app does. Crm.Search takes the
/// workspace and record scope from its caller, so it answers only callers that could read the database themselves;
/// no separate secret needs to be generated, stored or rotated.
/// </summary>
public static class SearchServiceKey
{
    public const string HeaderName = "X-Crm-Search-Key";

    /// <summary>The key for this configuration, or null when the connection string has no password (then nothing is checked).</summary>
    public static string? From(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(MigrationExtensions.ServiceConnectionName);
        if (string.IsNullOrEmpty(connectionString) ||
            new NpgsqlConnectionStringBuilder(connectionString).Password is not { Length: > 0 } password)
        {
            return null;
        }
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password), "crm-search-service"u8));
    }

    /// <summary>Whether <paramref name="presented"/> is <paramref name="expected"/>, in constant time.</summary>
    public static bool Matches(string expected, string? presented) =>
        presented is not null &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
