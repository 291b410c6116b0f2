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
    /// Data Protection with its key ring in PostgreSQL (<see cref="PostgresXmlRepository"/>), each key encrypted with
    /// AES-256-GCM under <c>DataProtection:KeyEncryptionKey</c> (<see cref="KeyRingEncryptionOptions"/>). The secret
    /// is required outside Development; in Development without it, keys are stored unencrypted and Data Protection
    /// logs a warning saying so.
    /// </summary>
    public static IHostApplicationBuilder AddCrmDataProtection(this IHostApplicationBuilder builder)
    {
        var encryption = builder.Configuration.GetSection(KeyRingEncryptionOptions.SectionName);
        builder.Services.Configure<KeyRingEncryptionOptions>(encryption);
        var encrypted = !string.IsNullOrEmpty(encryption[nameof(KeyRingEncryptionOptions.KeyEncryptionKey)]);
        if (encrypted)
        {
            // Fails now, at startup, if the secret is too short, rather than at the first sign-in.
            encryption.Get<KeyRingEncryptionOptions>()!.DeriveKey();
        }
        else if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is not set: the key ring that signs tokens would be stored unencrypted (the AppHost sets it).");
        }

        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options =>
            {
                options.XmlRepository = new PostgresXmlRepository(services.GetRequiredService<NpgsqlDataSource>());
                if (encrypted)
                {
                    options.XmlEncryptor = new AesGcmXmlEncryptor(services.GetRequiredService<IOptions<KeyRingEncryptionOptions>>());
                }
            }));
        return builder;
    }
}
