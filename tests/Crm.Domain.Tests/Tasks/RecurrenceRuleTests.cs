using System.Text.Json;
using Crm.Domain.Tasks;

namespace Crm.Domain.Tests.Tasks;

public sealed class RecurrenceRuleTests
{
    private static readonly DateTimeOffset Due = new(2028, 1, 31, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(RecurrenceFrequency.Daily, 3, "2028-02-03T09:00:00Z")]
    [InlineData(RecurrenceFrequency.Weekly, 2, "2028-02-14T09:00:00Z")]
    [InlineData(RecurrenceFrequency.Monthly, 1, "2028-02-29T09:00:00Z")]
    [InlineData(RecurrenceFrequency.Monthly, 3, "2028-04-30T09:00:00Z")]
    [InlineData(RecurrenceFrequency.Yearly, 1, "2029-01-31T09:00:00Z")]
    public void The_next_occurrence_is_one_interval_after_the_due_time(RecurrenceFrequency frequency, int interval, string expected)
    {
        var rule = new RecurrenceRule { Frequency = frequency, Interval = interval };
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), rule.NextDue(Due, occurrence: 1));
    }

    [Fact]
    public void A_series_ends_after_count_occurrences_or_after_until()
    {
        var counted = new RecurrenceRule { Frequency = RecurrenceFrequency.Daily, Count = 3 };
        Assert.NotNull(counted.NextDue(Due, occurrence: 2));
        Assert.Null(counted.NextDue(Due, occurrence: 3));

        var bounded = new RecurrenceRule { Frequency = RecurrenceFrequency.Weekly, Until = Due.AddDays(7) };
        Assert.Equal(Due.AddDays(7), bounded.NextDue(Due, occurrence: 1));
        Assert.Null(bounded.NextDue(Due.AddDays(7), occurrence: 2));
    }

    [Fact]
    public void A_rule_is_stored_as_the_json_the_tasks_check_constraint_reads()
    {
        var json = JsonSerializer.Serialize(new RecurrenceRule { Frequency = RecurrenceFrequency.Monthly, Interval = 2 }, RecurrenceRule.Json);
        Assert.Equal("""{"frequency":"monthly","interval":2}""", json);
        Assert.Equal(RecurrenceFrequency.Monthly, JsonSerializer.Deserialize<RecurrenceRule>(json, RecurrenceRule.Json)!.Frequency);
    }
}
