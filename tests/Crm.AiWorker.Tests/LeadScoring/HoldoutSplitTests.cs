using Crm.AiWorker.Features.LeadScoring.Learning;

namespace Crm.AiWorker.Tests.LeadScoring;

public sealed class HoldoutSplitTests
{
    // 100 positives among 1,000 rows, scattered.
    private static readonly bool[] Labels = [.. Enumerable.Range(0, 1000).Select(i => i * 37 % 10 == 3)];

    [Fact]
    public void Both_parts_keep_the_class_ratio_and_together_cover_every_row_once()
    {
        var split = HoldoutSplit.Stratified(Labels, 0.2, seed: 7);

        Assert.Equal(200, split.Test.Length);
        Assert.Equal(800, split.Train.Length);
        Assert.Equal(20, split.Test.Count(i => Labels[i]));
        Assert.Equal(80, split.Train.Count(i => Labels[i]));
        Assert.Equal(Enumerable.Range(0, 1000), split.Train.Concat(split.Test).Order());
        Assert.Equal(split.Test.Order(), split.Test);
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_another()
    {
        var first = HoldoutSplit.Stratified(Labels, 0.25, seed: 42);
        var again = HoldoutSplit.Stratified(Labels, 0.25, seed: 42);
        var other = HoldoutSplit.Stratified(Labels, 0.25, seed: 43);

        Assert.Equal(first.Test, again.Test);
        Assert.Equal(first.Train, again.Train);
        Assert.NotEqual(first.Test, other.Test);
    }

    [Fact]
    public void A_rare_class_still_has_a_row_on_each_side()
    {
        bool[] labels = [true, true, true, .. Enumerable.Repeat(false, 97)];

        var split = HoldoutSplit.Stratified(labels, 0.1, seed: 1);

        Assert.Equal(1, split.Test.Count(i => labels[i])); // round(0.3) would be 0
        Assert.Equal(2, split.Train.Count(i => labels[i]));
    }

    [Fact]
    public void A_test_fraction_outside_0_to_1_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HoldoutSplit.Stratified(Labels, 1.0, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HoldoutSplit.Stratified(Labels, 0.0, seed: 1));
    }
}
