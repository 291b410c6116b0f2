using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Domain.Persistence;

namespace Crm.Domain.Tasks;

/// <summary>
/// How a task repeats (tasks.recurrence_rule, jsonb): every <see cref="Interval"/> days, weeks, months or years from
/// its due time, ending after <see cref="Count"/> occurrences in all or at <see cref="Until"/> (RFC 5545's COUNT and
/// UNTIL: at most one of them), or never.
/// </summary>
public sealed record RecurrenceRule
{
    public const int MaxInterval = 999;

    public const int MaxCount = 1000;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public RecurrenceFrequency Frequency { get; init; }

    /// <summary>1 to <see cref="MaxInterval"/>.</summary>
    public int Interval { get; init; } = 1;

    /// <summary>No occurrence is due after this.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The number of occurrences, the first included: 1 to <see cref="MaxCount"/>.</summary>
    public int? Count { get; init; }

    /// <summary>
    /// The due time of the occurrence after occurrence number <paramref name="occurrence"/> (1-based) due at
    /// <paramref name="due"/>, or null when the series ends there. A month or year step keeps the day of the month
    /// where it exists and takes the month's last day where it does not (January 31 → February 28).
    /// </summary>
    public DateTimeOffset? NextDue(DateTimeOffset due, int occurrence)
    {
        if (occurrence >= Count)
        {
            return null;
        }
        var next = Frequency switch
        {
            RecurrenceFrequency.Daily => due.AddDays(Interval),
            RecurrenceFrequency.Weekly => due.AddDays(7 * Interval),
            RecurrenceFrequency.Monthly => due.AddMonths(Interval),
            RecurrenceFrequency.Yearly => due.AddYears(Interval),
            _ => throw new InvalidOperationException($"Unknown frequency {Frequency}."),
        };
        return next > Until ? null : next;
    }
}

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<RecurrenceFrequency>))]
public enum RecurrenceFrequency
{
    Daily,
    Weekly,
    Monthly,
    Yearly,
}
