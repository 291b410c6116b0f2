using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using StackExchange.Redis;

namespace Crm.Web.Auth;

/// <summary>
/// The web's Data Protection key ring (which protects its cookie and antiforgery tokens) in a Redis list, so that
/// every replica reads the others' cookies and a restart does not sign everyone out. It holds no API secrets: those
/// stay in the <see cref="SessionStore"/>. (Microsoft's Redis key repository needs StackExchange.Redis 2, which is not
/// served here; see docs/dependencies.md.)
/// </summary>
public sealed class RedisXmlRepository(IConnectionMultiplexer redis) : IXmlRepository
{
    private const string Key = "crm:web:data-protection-keys";

    public IReadOnlyCollection<XElement> GetAllElements() =>
        redis.GetDatabase().ListRange(Key).Select(value => XElement.Parse((string)value!)).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        redis.GetDatabase().ListRightPush(Key, element.ToString(SaveOptions.DisableFormatting));
}
