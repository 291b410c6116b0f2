using Crm.AiWorker.Tests.LeadScoring;
using Crm.Domain.Ai;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>
/// Both paths of <see cref="EmbeddingStore.NearestAsync"/> on the real table: a workspace above
/// <see cref="EmbeddingStore.ExactSearchUpTo"/> vectors goes through the HNSW index, a small one beside it is searched
/// exactly, and each finds its own planted vectors and never the other's.
/// </summary>
public sealed class VectorSearchPathTests
{
    private const int Dimensions = 100;

    [Fact]
    public async Task A_large_workspace_through_the_index_and_a_small_one_exactly_each_find_their_own_nearest()
    {
        await using var database = await LeadScoringDatabase.CreateAsync();
        var large = await database.AddWorkspaceAsync();
        var small = await database.AddWorkspaceAsync();
        var random = new Random(7);
        var target = Unit(Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());

        var planted = Guid.CreateVersion7();
        await using (var db = database.Context(large))
        {
            var rows = Enumerable.Range(0, EmbeddingStore.ExactSearchUpTo + 500)
                .Select(_ => new StoredEmbedding("company", Guid.CreateVersion7(), "test-model", "h", RandomUnit(random)))
                .Append(new StoredEmbedding("company", planted, "test-model", "h", Nudge(target, random, 0.05f)))
                .ToList();
            foreach (var chunk in rows.Chunk(2_000))
            {
                await EmbeddingStore.UpsertAsync(db, chunk, CancellationToken.None);
            }
        }
        var smallPlanted = Guid.CreateVersion7();
        await using (var db = database.Context(small))
        {
            var rows = Enumerable.Range(0, 200)
                .Select(_ => new StoredEmbedding("company", Guid.CreateVersion7(), "test-model", "h", RandomUnit(random)))
                .Append(new StoredEmbedding("company", smallPlanted, "test-model", "h", Nudge(target, random, 0.1f)))
                .ToList();
            await EmbeddingStore.UpsertAsync(db, rows, CancellationToken.None);
        }

        await using (var db = database.Context(large))
        {
            var nearest = await EmbeddingStore.NearestAsync(db, target, "test-model", ["company"], 10, CancellationToken.None);
            Assert.Equal(10, nearest.Count);
            Assert.Equal(planted, nearest[0].EntityId);
            Assert.DoesNotContain(nearest, m => m.EntityId == smallPlanted);
        }
        await using (var db = database.Context(small))
        {
            var nearest = await EmbeddingStore.NearestAsync(db, target, "test-model", ["company"], 10, CancellationToken.None);
            Assert.Equal(10, nearest.Count);
            Assert.Equal(smallPlanted, nearest[0].EntityId);
            Assert.DoesNotContain(nearest, m => m.EntityId == planted);
            Assert.True(nearest.Zip(nearest.Skip(1)).All(p => p.First.Similarity >= p.Second.Similarity));
        }
    }

    private static float[] RandomUnit(Random random) =>
        Unit(Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble() - 0.5f).ToArray());

    private static float[] Nudge(float[] vector, Random random, float amount) =>
        Unit(vector.Select(x => x + amount * ((float)random.NextDouble() - 0.5f)).ToArray());

    private static float[] Unit(float[] vector)
    {
        var length = MathF.Sqrt(vector.Sum(x => x * x));
        return vector.Select(x => x / length).ToArray();
    }
}
