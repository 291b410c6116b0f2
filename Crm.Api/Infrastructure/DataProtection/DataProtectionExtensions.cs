using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Crm.Api.Infrastructure.DataProtection;

public static class DataProtectionExtensions
{
    /// <summary>The application name every replica shares: keys are only usable across hosts of the same name.</summary>
    public const string ApplicationName = "crm";

    /// <summary>
    /// Data Protection with its key ring in PostgreSQL (<see cref="PostgresXmlRepository"/>). Keys are stored unencrypted
    /// at rest (Data Protection logs a warning saying so): the database is the trust boundary, as for the data itself.
    /// </summary>
    public static IHostApplicationBuilder AddCrmDataProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options =>
                options.XmlRepository = new PostgresXmlRepository(services.GetRequiredService<NpgsqlDataSource>())));
        return builder;
    }
}
