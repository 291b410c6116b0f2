using System.Security.Cryptography;
using System.Text.Json;

namespace Crm.AppHost.Local;

/// <summary>
/// Passwords for the local PostgreSQL (its superuser and the services' login) and Redis, the secret the API encrypts
/// its Data Protection key ring with, and the demo login's password; generated on the first run and kept in
/// .crm/secrets.json (readable by the owner only) so later runs reuse the data.
/// </summary>
internal sealed record LocalSecrets(
    string PostgresPassword, string RedisPassword, string? PostgresServicePassword, string? DataProtectionKey, string? DemoPassword)
{
    public static LocalSecrets LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secrets.json");
        var stored = File.Exists(path)
            ? JsonSerializer.Deserialize<LocalSecrets>(File.ReadAllText(path))
              ?? throw new LocalAppHostException($"{path} is empty; delete it together with {dataDirectory}/postgres to start over.")
            : null;
        if (stored is { PostgresServicePassword: not null, DataProtectionKey: not null, DemoPassword: not null })
        {
            return stored;
        }

        // A data directory from an older AppHost gets the secrets it lacks, and keeps the ones its data depend on.
        var existing = stored ?? new LocalSecrets(NewPassword(), NewPassword(), null, null, null);
        var secrets = existing with
        {
            PostgresServicePassword = existing.PostgresServicePassword ?? NewPassword(),
            DataProtectionKey = existing.DataProtectionKey ?? NewPassword() + NewPassword(),
            DemoPassword = existing.DemoPassword ?? NewDemoPassword(),
        };
        Directory.CreateDirectory(dataDirectory);
        WriteOwnerOnly(path, JsonSerializer.Serialize(secrets));
        return secrets;
    }

    /// <summary>Writes a file that is readable by its owner only from the moment it exists (mode 0600).</summary>
    public static void WriteOwnerOnly(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    // Hex keeps passwords safe inside connection strings and shell-quoted env files.
    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// A password a person types at the sign-in page: short, and with the upper-case letter, digit and symbol the API's
    /// password rules ask for (hex alone has no upper case).
    /// </summary>
    private static string NewDemoPassword() => $"Demo-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-1";
}
