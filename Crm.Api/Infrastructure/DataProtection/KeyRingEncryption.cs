using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Options;

namespace Crm.Api.Infrastructure.DataProtection;

/// <summary>
/// The secret the key ring is encrypted with at rest (<c>DataProtection:KeyEncryptionKey</c>, at least 32 characters;
/// the AppHost generates it). The database holds the key ring where every service login can read it, so the keys that
/// sign access and refresh tokens must be useless without this secret, which lives outside the database.
/// </summary>
public sealed class KeyRingEncryptionOptions
{
    public const string SectionName = "DataProtection";

    public const int MinimumSecretLength = 32;

    public string? KeyEncryptionKey { get; set; }

    /// <summary>A 256-bit AES key derived from the configured secret (HKDF-SHA256), and an id that names it without revealing it.</summary>
    internal (byte[] Key, string KeyId) DeriveKey()
    {
        if (KeyEncryptionKey is not { Length: >= MinimumSecretLength } secret)
        {
            throw new InvalidOperationException(
                $"DataProtection:KeyEncryptionKey must be set to a secret of at least {MinimumSecretLength} characters (the AppHost sets it).");
        }
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, info: "crm data protection key ring"u8.ToArray());
        var keyId = Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 8));
        return (key, keyId);
    }
}

/// <summary>Encrypts each key of the ring with AES-256-GCM before <see cref="PostgresXmlRepository"/> stores it.</summary>
public sealed class AesGcmXmlEncryptor(IOptions<KeyRingEncryptionOptions> options) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var (key, keyId) = options.Value.DeriveKey();
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }

        var element = new XElement("aesGcm",
            new XAttribute("keyId", keyId),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>
/// Decrypts what <see cref="AesGcmXmlEncryptor"/> wrote. Data Protection creates it by type name from the stored
/// element, with the application's services.
/// </summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var (key, keyId) = services.GetRequiredService<IOptions<KeyRingEncryptionOptions>>().Value.DeriveKey();
        var storedKeyId = (string?)encryptedElement.Attribute("keyId");
        if (storedKeyId != keyId)
        {
            throw new CryptographicException(
                $"This key was encrypted with another DataProtection:KeyEncryptionKey (id {storedKeyId}; the configured one is {keyId}).");
        }

        var nonce = Convert.FromBase64String((string)encryptedElement.Attribute("nonce")!);
        var tag = Convert.FromBase64String((string)encryptedElement.Attribute("tag")!);
        var ciphertext = Convert.FromBase64String(encryptedElement.Value);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
