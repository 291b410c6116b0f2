namespace Crm.Web.Records;

/// <summary>
/// The reader's time zone, for every time the pages show or take: the browser's zone, which app.js writes into the
/// <c>crm.tz</c> cookie and <see cref="Components.Routes"/> hands to the circuit. UTC until known (or when the name is
/// not a zone this server knows).
/// </summary>
public sealed class UserClock(TimeProvider clock)
{
    public const string CookieName = "crm.tz";

    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public void Use(string? zoneId)
    {
        if (!string.IsNullOrWhiteSpace(zoneId) && TimeZoneInfo.TryFindSystemTimeZoneById(Uri.UnescapeDataString(zoneId), out var zone))
        {
            Zone = zone;
        }
    }

    public DateTimeOffset Now => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone);

    /// <summary>Today in the reader's zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Now.DateTime);

    /// <summary>The start of the reader's day as an instant, for "due today" queries.</summary>
    public DateTimeOffset StartOfDay(DateOnly day) => ToInstant(day.ToDateTime(TimeOnly.MinValue));

    public DateTimeOffset ToLocal(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, Zone);

    /// <summary>A wall-clock time the reader typed (a datetime-local input) as the instant it means in their zone.</summary>
    public DateTimeOffset ToInstant(DateTime wallClock)
    {
        var unspecified = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, Zone.GetUtcOffset(unspecified));
    }

    /// <summary>"Dec 7, 2026 14:30" in the reader's zone.</summary>
    public string Format(DateTimeOffset? time) => Records.Format.DateTime(time is null ? null : ToLocal(time.Value));
}
