namespace Crm.Api.Infrastructure.RateLimiting;

/// <summary>
/// Requests per minute under <c>/api</c> (configuration section <c>RateLimits</c>), counted in Redis so that every
/// replica shares one count. A signed-in caller counts against their user and their workspace; an anonymous caller
/// (sign-up, sign-in, refresh) against their IP address.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public int UserPerMinute { get; set; } = 600;

    public int WorkspacePerMinute { get; set; } = 3000;

    public int AnonymousPerMinute { get; set; } = 60;

    /// <summary>Prefix of the Redis keys, so that deployments (or test runs) sharing one Redis keep separate counts.</summary>
    public string KeyPrefix { get; set; } = "crm:ratelimit";
}
