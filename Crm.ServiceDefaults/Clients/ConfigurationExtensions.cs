using Microsoft.Extensions.Configuration;

namespace Crm.ServiceDefaults.Clients;

internal static class ConfigurationExtensions
{
    /// <summary>The connection string, or a clear error naming the variable that would set it.</summary>
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Connection string '{name}' is not configured. Set ConnectionStrings__{name} (the AppHost does this for every service).");
}
