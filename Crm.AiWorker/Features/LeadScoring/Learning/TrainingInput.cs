namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>The checks every trainer makes before it starts, so that a bad matrix fails loudly rather than as NaN weights.</summary>
internal static class TrainingInput
{
    public static void Validate(double[][] rows, bool[] labels, string[] featureNames)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        if (rows.Length != labels.Length)
        {
            throw new ArgumentException($"{rows.Length} rows but {labels.Length} labels.", nameof(labels));
        }
        if (featureNames.Length == 0)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(featureNames));
        }
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] is not { } row || row.Length != featureNames.Length)
            {
                throw new ArgumentException($"Row {i} does not have the {featureNames.Length} features.", nameof(rows));
            }
            foreach (var value in row)
            {
                if (!double.IsFinite(value))
                {
                    throw new ArgumentException($"Row {i} has a value that is not a finite number.", nameof(rows));
                }
            }
        }
        // With a single class the likelihood has no maximum: the intercept would run off to infinity.
        var positives = labels.Count(label => label);
        if (positives == 0 || positives == labels.Length)
        {
            throw new ArgumentException("Training needs at least one positive and one negative row.", nameof(labels));
        }
    }
}
