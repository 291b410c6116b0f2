using System.Net;
using System.Security.Cryptography;

namespace Crm.Api.Tests.Auth;

/// <summary>
/// The Data Protection key ring is stored encrypted under DataProtection:KeyEncryptionKey: someone who reads
/// data_protection_keys (every service login can) gets nothing that signs or opens a token.
/// </summary>
public sealed class KeyRingEncryptionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Stored_keys_are_encrypted_and_useless_under_another_secret()
    {
        using var client = api.CreateClient();
        var registered = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), "Encrypted");

        await using (var command = api.Database.DataSource.CreateCommand("SELECT xml FROM data_protection_keys"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            var xml = reader.GetString(0);
            Assert.Contains("<aesGcm", xml);
            Assert.DoesNotContain("<masterKey", xml);
        }

        await using var otherSecret = api.WithWebHostBuilder(builder =>
            builder.UseSetting("DataProtection:KeyEncryptionKey", Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));
        using var otherClient = otherSecret.CreateClient();
        using var me = await AuthApi.GetMeAsync(otherClient, registered.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public void The_api_refuses_to_start_outside_development_without_the_secret_or_with_a_short_one()
    {
        foreach (var secret in new[] { "", "too-short" })
        {
            using var factory = api.WithWebHostBuilder(builder => builder.UseSetting("DataProtection:KeyEncryptionKey", secret));
            var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
            Assert.Contains("DataProtection:KeyEncryptionKey", error.ToString());
        }
    }
}
