namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// Closed leads for training, drawn from seeded generators. Every lead gets fields the rules of the tests reward
/// (industry, decision maker, company size) drawn independently of its outcome, and 1–4 emails sent in the month
/// before the outcome (so neither "activities" nor "days since last activity" gives the outcome away). Meetings are
/// held 60–180 days before the outcome, early in a long cycle: by the outcome seed 001's decay has worn them down
/// to a few points at most, so the rules' score is ruled by the rewarded fields.
/// </summary>
public static class SyntheticOutcomes
{
    /// <summary>The planted signal: log-odds of converting = −2.5 + 0.9 · completed meetings (0–6, uniform).</summary>
    public static List<SyntheticLead> MeetingsDecide(int count, int seed, string prefix = "Signal") =>
        Generate(count, seed, prefix, (meetings, _) => -2.5 + 0.9 * meetings);

    /// <summary>
    /// Another signal: log-odds = −2.5 + 0.9 · custom field "webinars" (0–6), while meetings are drawn the same way
    /// but decide nothing.
    /// </summary>
    public static List<SyntheticLead> WebinarsDecide(int count, int seed, string prefix = "Webinar") =>
        Generate(count, seed, prefix, (_, webinars) => -2.5 + 0.9 * webinars);

    /// <summary>Exactly <paramref name="converted"/> converted and <paramref name="lost"/> lost leads, meetings as in <see cref="MeetingsDecide"/>.</summary>
    public static List<SyntheticLead> Closed(int converted, int lost, int seed, string prefix = "Closed")
    {
        var leads = new List<SyntheticLead>();
        var random = new Random(seed);
        for (var i = 0; i < converted + lost; i++)
        {
            leads.Add(Lead($"{prefix} {i}", i < converted, random.Next(0, 7), random.Next(0, 7), random, random));
        }
        return leads;
    }

    private static List<SyntheticLead> Generate(int count, int seed, string prefix, Func<int, int, double> logOdds)
    {
        // One generator for the signal and the outcome, one for everything else: nothing else is tied to the label.
        var (signal, other) = (new Random(seed), new Random(seed + 1));
        var leads = new List<SyntheticLead>(count);
        for (var i = 0; i < count; i++)
        {
            var (meetings, webinars) = (signal.Next(0, 7), signal.Next(0, 7));
            var converted = signal.NextDouble() < 1 / (1 + Math.Exp(-logOdds(meetings, webinars)));
            leads.Add(Lead($"{prefix} {i}", converted, meetings, webinars, other, other));
        }
        return leads;
    }

    private static SyntheticLead Lead(string name, bool converted, int meetings, int webinars, Random attributes, Random times)
    {
        var closedAt = LeadScoringDatabase.Now.AddDays(-times.Next(1, 200)).AddMinutes(-times.Next(0, 1440));
        var activities = new List<SyntheticActivity>();
        for (var m = 0; m < meetings; m++)
        {
            activities.Add(SyntheticActivity.Meeting(closedAt.AddDays(-times.Next(60, 181))));
        }
        for (var e = times.Next(1, 5); e > 0; e--)
        {
            activities.Add(SyntheticActivity.EmailSent(closedAt.AddDays(-times.Next(1, 31))));
        }
        return new SyntheticLead
        {
            Name = name,
            Status = converted ? "converted" : "lost",
            ClosedAt = closedAt,
            CreatedAt = closedAt.AddDays(-240),
            Industry = attributes.Next(2) == 0 ? "Software" : "Manufacturing",
            DecisionMaker = attributes.Next(2) == 0,
            EmployeeCount = attributes.Next(10, 1001),
            CustomFields = $$"""{"webinars": {{webinars}}}""",
            Activities = activities,
        };
    }
}
