using Crm.Web.Records;

namespace Crm.Web.Tests;

public sealed class UserClockTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Times_are_shown_and_read_in_the_browsers_zone()
    {
        var clock = new UserClock(new FixedTime(Noon));
        clock.Use("Europe%2FBerlin");

        Assert.Equal("Dec 7, 2026 13:00", clock.Format(Noon));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 7, 30, 0, TimeSpan.Zero), clock.ToInstant(new DateTime(2026, 7, 1, 9, 30, 0)).ToUniversalTime());
        Assert.Equal(new DateOnly(2026, 12, 7), clock.Today);
    }

    [Fact]
    public void The_day_turns_at_the_readers_midnight()
    {
        var clock = new UserClock(new FixedTime(new DateTimeOffset(2026, 12, 7, 23, 30, 0, TimeSpan.Zero)));
        clock.Use("Asia/Tokyo");

        Assert.Equal(new DateOnly(2026, 12, 8), clock.Today);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero), clock.StartOfDay(clock.Today).ToUniversalTime());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Not/AZone")]
    public void An_unknown_zone_leaves_UTC(string? zone)
    {
        var clock = new UserClock(new FixedTime(Noon));
        clock.Use(zone);

        Assert.Equal(TimeZoneInfo.Utc, clock.Zone);
        Assert.Equal("Dec 7, 2026 12:00", clock.Format(Noon));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
