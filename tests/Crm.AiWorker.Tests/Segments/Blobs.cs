namespace Crm.AiWorker.Tests.Segments;

// Well-separated Gaussian blobs with a known planted cluster per row, from a fixed seed.
internal static class Blobs
{
    public static (double[][] Data, int[] Planted) Make(double[][] centres, int perBlob, double spread, int seed)
    {
        var random = new Random(seed);
        var data = new List<double[]>();
        var planted = new List<int>();
        for (var b = 0; b < centres.Length; b++)
        {
            for (var i = 0; i < perBlob; i++)
            {
                data.Add([.. centres[b].Select(centre => centre + spread * Gaussian(random))]);
                planted.Add(b);
            }
        }
        return ([.. data], [.. planted]);
    }

    public static (double[][] Data, int[] Planted) Three(int perBlob = 60, int seed = 7) =>
        Make([[0, 0, 0], [10, 0, 5], [0, 10, -5]], perBlob, 1.0, seed);

    // Box–Muller.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
