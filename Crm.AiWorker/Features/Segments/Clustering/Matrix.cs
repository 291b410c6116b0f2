namespace Crm.AiWorker.Features.Segments.Clustering;

// Rows of equal length are the data format of this folder; these are the checks and the distance they share.
internal static class Matrix
{
    /// <summary>The number of columns, after checking that there is at least one row and all rows agree.</summary>
    public static int Dimensions(double[][] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new ArgumentException("There are no rows.", nameof(data));
        }

        var dimensions = data[0].Length;
        foreach (var row in data)
        {
            if (row is null || row.Length != dimensions)
            {
                throw new ArgumentException("All rows must have the same number of columns.", nameof(data));
            }
            foreach (var x in row)
            {
                if (!double.IsFinite(x))
                {
                    throw new ArgumentException("Values must be finite numbers.", nameof(data));
                }
            }
        }
        return dimensions;
    }

    public static double SquaredDistance(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var delta = a[j] - b[j];
            sum += delta * delta;
        }
        return sum;
    }
}
