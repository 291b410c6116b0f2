namespace Crm.AiWorker.Tests.LeadScoring;

/// <summary>
/// Synthetic leads whose conversion depends on one feature only: log-odds = −3 + 0.6 · pricing_page_visits, while
/// "noise" is drawn independently of everything. A model that learns should find the one and ignore the other.
/// </summary>
public sealed class PlantedSignal
{
    public static readonly string[] FeatureNames = ["pricing_page_visits", "noise"];

    public PlantedSignal(int count = 5000, int seed = 2024)
    {
        // One generator per column, so that nothing but the planted formula ties a label to a feature.
        var (visitsRandom, noiseRandom, labelRandom) = (new Random(seed), new Random(seed + 1), new Random(seed + 2));
        Rows = new double[count][];
        Labels = new bool[count];
        for (var i = 0; i < count; i++)
        {
            // Visits: geometric with mean ≈ 3, so most leads visit a little and a few a lot.
            var visits = 0;
            while (visitsRandom.NextDouble() < 0.75 && visits < 30)
            {
                visits++;
            }
            var noise = Gaussian(noiseRandom);
            var probability = 1 / (1 + Math.Exp(-(-3 + 0.6 * visits)));
            Rows[i] = [visits, noise];
            Labels[i] = labelRandom.NextDouble() < probability;
        }
    }

    public double[][] Rows { get; }

    public bool[] Labels { get; }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
