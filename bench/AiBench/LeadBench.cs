using System.Diagnostics;
using System.Text.Json;
using Crm.AiWorker.Features.LeadScoring;
using Crm.AiWorker.Features.LeadScoring.Learning;
using Crm.Domain.Ai;
using Crm.Domain.Leads;

namespace AiBench;

/// <summary>
/// Lead scoring in memory (no database): cold-start and learned scores per second, and training times, on synthetic
/// leads with a planted signal. The features are the worker's own (LeadFeatures.FeatureSetFor and Vector: 15 fixed
/// ones and one-hot sources, 28 in all).
/// </summary>
internal static class LeadBench
{
    public static void Run()
    {
        Console.WriteLine("## Lead scoring (in memory, LeadScorer.ColdStart and LeadScorer.Learned)");
        var open = Generate(100_000, seed: 3, closed: false);
        var rules = Rules();
        var openRows = open.Rows;

        Measure("cold start, 10 rules + engagement", openRows, row => LeadScorer.ColdStart(row, rules).Score);

        var training = Generate(10_000, seed: 4, closed: true);
        var features = LeadFeatures.FeatureSetFor(training.Rows);
        var x = training.Rows.Select(r => LeadFeatures.Vector(features, r)).ToArray();
        var split = HoldoutSplit.Stratified(training.Labels, LeadModelTrainer.TestFraction, 20_251_207);
        var selection = ModelSelection.Select(x, training.Labels, [.. features.Names], split);
        foreach (var candidate in new[] { selection.LogisticRegression, selection.GradientBoostedTrees })
        {
            var deployed = new DeployedLeadModel(
                new AiModel { Algorithm = candidate.Model is LogisticRegressionModel ? AiAlgorithm.LogisticRegression : AiAlgorithm.GradientBoosting, Version = 1,
                              Features = JsonSerializer.Serialize(features.Names) },
                features, candidate.Model, candidate.Evaluation.Auc);
            Measure($"learned, {candidate.Name} (trained on 10,000, held-out AUC {candidate.Evaluation.Auc:F3})", openRows,
                row => LeadScorer.Learned(row, deployed).Score);
            Measure($"  of which LeadFeatures.Vector + PredictProbability only ({candidate.Name})", openRows,
                row => (int)(100 * deployed.Model.PredictProbability(LeadFeatures.Vector(features, row))));
        }

        Console.WriteLine("## Training (synthetic leads with a planted signal; 25 % held out, as LeadModelTrainer)");
        Console.WriteLine("| leads | features | feature vectors s | logistic regression s (AUC) | GBT s (AUC) | ModelSelection.Select s |");
        foreach (var n in new[] { 10_000, 100_000 })
        {
            for (var run = 1; run <= 2; run++)
            {
                var data = Generate(n, seed: 100 + n + run, closed: true);
                var timer = Stopwatch.StartNew();
                var set = LeadFeatures.FeatureSetFor(data.Rows);
                var rows = data.Rows.Select(r => LeadFeatures.Vector(set, r)).ToArray();
                var vectorSeconds = timer.Elapsed.TotalSeconds;
                var holdout = HoldoutSplit.Stratified(data.Labels, LeadModelTrainer.TestFraction, 20_251_207);
                var trainRows = holdout.Train.Select(i => rows[i]).ToArray();
                var trainLabels = holdout.Train.Select(i => data.Labels[i]).ToArray();
                string[] names = [.. set.Names];

                timer.Restart();
                LogisticRegression.Train(trainRows, trainLabels, names);
                var regression = timer.Elapsed.TotalSeconds;
                timer.Restart();
                GradientBoostedTrees.Train(trainRows, trainLabels, names);
                var trees = timer.Elapsed.TotalSeconds;
                timer.Restart();
                var selected = ModelSelection.Select(rows, data.Labels, names, holdout);
                var total = timer.Elapsed.TotalSeconds;
                Console.WriteLine($"| {n:N0} (run {run}) | {names.Length} | {vectorSeconds:F2} | {regression:F2} ({selected.LogisticRegression.Evaluation.Auc:F3}) | " +
                                  $"{trees:F2} ({selected.GradientBoostedTrees.Evaluation.Auc:F3}) | {total:F2} (winner {selected.Winner.Name}) |");
            }
        }
    }

    private static void Measure(string what, IReadOnlyList<LeadRow> rows, Func<LeadRow, int> score)
    {
        foreach (var row in rows.Take(5_000))
        {
            score(row); // warm-up
        }
        var rates = new List<double>();
        long sum = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            var timer = Stopwatch.StartNew();
            foreach (var row in rows)
            {
                sum += score(row);
            }
            rates.Add(rows.Count / timer.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{what}: {string.Join(", ", rates.Select(r => $"{r:N0}"))} rows/s over {rows.Count:N0} leads (3 passes; mean score {sum / (3.0 * rows.Count):F1})");
    }

    /// <summary>Ten rules of the kinds a workspace writes: firmographic, demographic, source, and a few negative ones.</summary>
    private static List<LeadScoringRule> Rules() =>
    [
        Rule("Decision maker", "decisionMaker", ScoringOperator.Equals, "true", 20),
        Rule("Large company", "employeeCount", ScoringOperator.GreaterThan, "500", 15),
        Rule("Big budget", "budget", ScoringOperator.GreaterThan, "50000", 15),
        Rule("Target industries", "industry", ScoringOperator.In, "software,finance,healthcare", 10),
        Rule("Referral or event", "source", ScoringOperator.In, "referral,event,partner", 10),
        Rule("Executive title", "title", ScoringOperator.Contains, "director", 10),
        Rule("High interest", "interestLevel", ScoringOperator.In, "high,very_high", 15),
        Rule("Has phone", "phone", ScoringOperator.IsSet, null, 5),
        Rule("Student email", "email", ScoringOperator.Contains, ".edu", -20),
        Rule("Cold call", "source", ScoringOperator.Equals, "cold_call", -10),
    ];

    private static LeadScoringRule Rule(string name, string field, ScoringOperator op, string? value, int points) =>
        new() { Name = name, Field = field, Operator = op, Value = value, Points = points, IsActive = true };

    private sealed record Data(List<LeadRow> Rows, bool[] Labels);

    private static readonly string[] Industries = ["software", "finance", "healthcare", "retail", "manufacturing", "logistics", "education", "media"];
    private static readonly string[] Titles = ["Director of IT", "Sales Manager", "CTO", "Engineer", "Analyst", "VP Sales", "Office Manager", "Founder"];

    /// <summary>
    /// Leads with fit, intent and engagement drawn at random, and (for closed ones) an outcome drawn from a planted
    /// logistic model with one interaction (meetings with a decision maker), so that both learners have something to find.
    /// </summary>
    private static Data Generate(int count, int seed, bool closed)
    {
        var random = new Random(seed);
        var sources = Enum.GetValues<LeadSource>();
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = new List<LeadRow>(count);
        var labels = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var decisionMaker = random.NextDouble() < 0.3;
            var interest = (InterestLevel)random.Next(5);
            var employees = random.NextDouble() < 0.8 ? (int?)Math.Round(Math.Pow(10, 1 + 3 * random.NextDouble())) : null;
            var budget = random.NextDouble() < 0.6 ? (decimal?)Math.Round((decimal)Math.Pow(10, 3 + 3 * random.NextDouble())) : null;
            var source = sources[random.Next(sources.Length)];
            var meetings = Poisson(random, 0.8);
            var replies = Poisson(random, 1.5);
            var emails = Poisson(random, 4);
            var calls = Poisson(random, 1.2);
            var notes = Poisson(random, 1);
            var activities = meetings + replies + emails + calls;
            double? days = activities == 0 ? null : 60 * random.NextDouble() * random.NextDouble() * 3;
            var z = -2.2 + (decisionMaker ? 0.9 : 0) + 0.45 * (int)interest + 0.35 * Math.Min(meetings, 4) + 0.25 * Math.Min(replies, 4)
                    - 0.01 * (days ?? 365) + (source is LeadSource.Referral ? 0.8 : source is LeadSource.Event ? 0.4 : source is LeadSource.ColdCall ? -0.6 : 0)
                    + 0.3 * Math.Log10(1 + (employees ?? 0)) - 0.5 + (decisionMaker && meetings > 0 ? 0.8 : 0) + (budget is > 50_000 ? 0.4 : 0);
            var converted = random.NextDouble() < 1 / (1 + Math.Exp(-z));
            labels[i] = converted;
            var lead = new Lead
            {
                FirstName = "Lead",
                LastName = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Email = random.NextDouble() < 0.9 ? $"lead{i}@{(random.NextDouble() < 0.05 ? "uni.edu" : "company.example")}" : null,
                Phone = random.NextDouble() < 0.6 ? "+1 555 0100" : null,
                Title = random.NextDouble() < 0.7 ? Titles[random.Next(Titles.Length)] : null,
                CompanyName = "Company " + random.Next(5_000),
                Industry = random.NextDouble() < 0.8 ? Industries[random.Next(Industries.Length)] : null,
                EmployeeCount = employees,
                AnnualRevenue = employees is { } e ? e * 150_000m : null,
                Budget = budget,
                Source = source,
                InterestLevel = interest,
                DecisionMaker = decisionMaker,
                Status = closed ? (converted ? LeadStatus.Converted : LeadStatus.Lost) : (LeadStatus)random.Next(4),
                ConvertedAt = closed && converted ? now : null,
                CreatedAt = now.AddDays(-90),
                UpdatedAt = now,
            };
            var decayedMeetings = Enumerable.Range(0, meetings).Sum(_ => Math.Pow(0.5, 90 * random.NextDouble() / LeadFeatures.HalfLifeDays));
            var decayedReplies = Enumerable.Range(0, replies).Sum(_ => Math.Pow(0.5, 90 * random.NextDouble() / LeadFeatures.HalfLifeDays));
            rows.Add(new LeadRow(lead, new LeadEngagement(meetings, replies, emails, calls, activities, notes, days, decayedMeetings, decayedReplies)));
        }
        return new Data(rows, labels);
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            k++;
        }
        return k;
    }
}
