using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.AiWorker.Features.Segments;
using Crm.AiWorker.Tests.Embeddings;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.AiWorker.Tests.Segments;

/// <summary>
/// The segmentation job against the real database: on a workspace of 60 companies planted in three behaviour groups
/// (recent frequent big buyers, lapsed one-off small buyers, and a middle group), the RFM segments name the planted
/// extremes, k-means finds exactly the three groups, a second refresh changes nothing (ids, keys, names, members),
/// segments no longer produced are deactivated, and no workspace sees another's customers. Each test uses a workspace
/// of its own, created after the host started, so the schedule's run at start does not touch it.
/// </summary>
public sealed class SegmentationJobTests(AiWorkerFactory worker) : IClassFixture<AiWorkerFactory>
{
    private const int PerGroup = 20;

    [Fact]
    public async Task Planted_groups_get_named_rfm_segments_and_kmeans_finds_exactly_the_three_groups()
    {
        var ws = await NewWorkspaceAsync();
        var groups = await PlantAsync(ws);

        var summary = await RunAsync(ws);

        Assert.Equal((3 * PerGroup, 3, null), (summary.Customers, summary.Clusters, summary.ClusteringSkipped));
        var (segments, members) = await ReadAsync(ws);
        var clusters = segments.Where(s => s.SegmentType == SegmentType.Behavioral).ToList();
        Assert.Equal(["cluster-0", "cluster-1", "cluster-2"], clusters.Select(s => s.Key).Order());
        var planted = groups.Select(g => g.ToHashSet()).ToList();
        foreach (var cluster in clusters)
        {
            var ids = MembersOf(members, cluster).ToHashSet();
            Assert.Contains(planted, group => group.SetEquals(ids));
        }
        Assert.Equal(3, clusters.Select(c => c.Name).Distinct().Count());
        Assert.All(clusters, c => Assert.False(string.IsNullOrWhiteSpace(c.Name)));

        // The lapsed group: one won and four lost deals each, last won 400-495 days ago.
        var lapsed = clusters.Single(c => planted[1].SetEquals(MembersOf(members, c)));
        Assert.Equal(0.2m, lapsed.ConversionRate);
        var centroid = JsonDocument.Parse(lapsed.Criteria).RootElement.GetProperty("centroid");
        Assert.InRange(centroid.GetProperty("recencyDays").GetDouble(), 400, 495);
        Assert.Equal(1.0, centroid.GetProperty("wonDeals").GetDouble(), 6);
        Assert.Equal(Enumerable.Range(0, PerGroup).Sum(i => 500m + 10 * i), lapsed.TotalDealValue);
        var big = clusters.Single(c => planted[0].SetEquals(MembersOf(members, c)));
        Assert.True(big.RiskScore < lapsed.RiskScore, $"risk {big.RiskScore} of the big buyers vs {lapsed.RiskScore} of the lapsed");
        // Named after what sets them apart, in the right direction.
        string[] lows = ["infrequent buyers", "low spend", "long since last purchase", "little recent engagement", "small open pipeline", "low win rate"];
        string[] highs = ["frequent buyers", "high spend", "recent purchase", "highly engaged", "large open pipeline", "high win rate"];
        Assert.Contains(lows, phrase => lapsed.Name.Contains(phrase, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(highs, phrase => lapsed.Name.Split(", ").Contains(phrase, StringComparer.OrdinalIgnoreCase));
        Assert.Contains(highs, phrase => big.Name.Split(", ").Contains(phrase, StringComparer.OrdinalIgnoreCase));
        var insights = JsonDocument.Parse(big.Insights).RootElement;
        Assert.Equal(Enumerable.Range(2, 7), insights.GetProperty("silhouetteByK").EnumerateArray().Select(k => k.GetProperty("k").GetInt32()));
        Assert.True(insights.GetProperty("silhouette").GetDouble() > 0.5, big.Insights);

        var rfm = segments.Where(s => s.SegmentType == SegmentType.Rfm).ToDictionary(s => s.Key);
        Assert.Equal("Champions", rfm["champions"].Name);
        Assert.Equal("Lost", rfm["lost"].Name);
        Assert.Subset(planted[0], MembersOf(members, rfm["champions"]).ToHashSet());
        Assert.Subset(planted[1], MembersOf(members, rfm["lost"]).ToHashSet());
        Assert.True(rfm["lost"].RiskScore > rfm["champions"].RiskScore);
        Assert.Contains("Recency score 5 and frequency-monetary score 4-5", rfm["champions"].CriteriaDescription, StringComparison.Ordinal);
        Assert.Equal(3 * PerGroup, rfm.Values.Sum(s => s.CustomerCount));

        // The members table matches the counts, every customer is in one RFM segment and one cluster.
        Assert.All(segments, s => Assert.Equal(s.CustomerCount, members.Count(m => m.SegmentId == s.Id)));
        Assert.All(groups.SelectMany(g => g), id => Assert.Equal(2, members.Count(m => m.EntityId == id)));
        Assert.All(members, m => Assert.Equal("company", m.EntityType));
        var champion = members.First(m => m.SegmentId == rfm["champions"].Id);
        var features = JsonDocument.Parse(champion.Features).RootElement;
        Assert.Equal("champions", features.GetProperty("rfm").GetProperty("segment").GetString());
        Assert.StartsWith("cluster-", features.GetProperty("cluster").GetString());
    }

    [Fact]
    public async Task A_second_refresh_of_the_same_data_keeps_ids_keys_names_and_members()
    {
        var ws = await NewWorkspaceAsync();
        await PlantAsync(ws);

        await RunAsync(ws);
        var (first, firstMembers) = await ReadAsync(ws);
        var second = await RunAsync(ws);
        var (again, againMembers) = await ReadAsync(ws);

        Assert.Equal(0, second.Deactivated);
        Assert.Equal(Snapshot(first), Snapshot(again));
        Assert.Equal(Members(firstMembers), Members(againMembers));
        Assert.All(again, s => Assert.True(s.IsActive));
        Assert.True(again.Min(s => s.RefreshedAt) >= first.Max(s => s.RefreshedAt));

        await using var tasks = worker.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM ai_tasks WHERE workspace_id = $1 AND type = 'segmentation' AND status = 'completed' AND (output ->> 'Customers')::int = 60");
        tasks.Parameters.AddWithValue(ws);
        Assert.Equal(2L, await tasks.ExecuteScalarAsync());

        static List<string> Snapshot(List<CustomerSegment> segments) =>
            [.. segments.OrderBy(s => s.Id).Select(s => $"{s.Id} {s.SegmentType} {s.Key} {s.Name} {s.CustomerCount} {s.TotalDealValue} {s.Criteria}")];
        static List<string> Members(List<CustomerSegmentMember> members) =>
            [.. members.Select(m => $"{m.SegmentId} {m.EntityType} {m.EntityId} {m.ChurnRisk} {m.OpportunityScore}").Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Segments_no_longer_produced_are_deactivated_and_clusters_are_skipped_below_twenty_customers()
    {
        var ws = await NewWorkspaceAsync();
        var groups = await PlantAsync(ws);
        await RunAsync(ws);
        var (before, _) = await ReadAsync(ws);

        // Only the big buyers' first ten remain customers.
        var gone = groups.SelectMany(g => g).Except(groups[0].Take(10)).ToList();
        await worker.ExecuteAsync(ws, $"UPDATE companies SET deleted_at = now() WHERE id IN ({string.Join(", ", gone.Select(id => $"'{id}'"))})");
        var summary = await RunAsync(ws);
        var (after, members) = await ReadAsync(ws);

        Assert.Equal((10, 0, null), (summary.Customers, summary.Clusters, summary.K));
        Assert.Contains("at least 20 customers", summary.ClusteringSkipped, StringComparison.Ordinal);
        Assert.All(after.Where(s => s.SegmentType == SegmentType.Behavioral), s => Assert.False(s.IsActive));
        Assert.Subset(after.Select(s => s.Id).ToHashSet(), before.Select(s => s.Id).ToHashSet()); // nothing deleted, ids kept
        Assert.Equal(summary.Deactivated, after.Count(s => !s.IsActive));
        Assert.All(after.Where(s => !s.IsActive), s => Assert.DoesNotContain(members, m => m.SegmentId == s.Id));
        var active = after.Where(s => s.IsActive).ToList();
        Assert.All(active, s => Assert.Equal(SegmentType.Rfm, s.SegmentType));
        Assert.All(active, s => Assert.Contains("at least 20 customers", s.Insights, StringComparison.Ordinal));
        Assert.Equal(10, active.Sum(s => s.CustomerCount));
        Assert.Equal(groups[0].Take(10).Order(), members.Select(m => m.EntityId).Order());
    }

    [Fact]
    public async Task A_contact_without_a_company_is_a_customer_and_a_contact_at_a_company_buys_for_it()
    {
        var ws = await NewWorkspaceAsync();
        var (pipeline, stage) = await PipelineAsync(ws);
        var (acme, loner, employee) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO companies (id, workspace_id, name) VALUES ('{acme}', '{ws}', 'Acme');
            INSERT INTO contacts (id, workspace_id, first_name, company_id) VALUES ('{loner}', '{ws}', 'Lone', NULL), ('{employee}', '{ws}', 'Emp', '{acme}');
            INSERT INTO deals (id, workspace_id, name, value, status, actual_close_date, pipeline_id, stage_id, company_id, contact_id) VALUES
                (gen_random_uuid(), '{ws}', 'a', 1000, 'won', current_date - 10, '{pipeline}', '{stage}', '{acme}', NULL),
                (gen_random_uuid(), '{ws}', 'b', 2000, 'won', current_date - 30, '{pipeline}', '{stage}', NULL, '{employee}'),
                (gen_random_uuid(), '{ws}', 'c', 700, 'won', current_date - 50, '{pipeline}', '{stage}', NULL, '{loner}'),
                (gen_random_uuid(), '{ws}', 'd', 900, 'open', NULL, '{pipeline}', '{stage}', NULL, '{loner}');
            """);

        var summary = await RunAsync(ws);
        var (segments, members) = await ReadAsync(ws);

        Assert.Equal(2, summary.Customers);
        Assert.Equal([("company", acme), ("contact", loner)], members.Select(m => (m.EntityType, m.EntityId)).Order());
        var acmeFeatures = JsonDocument.Parse(members.Single(m => m.EntityId == acme).Features).RootElement;
        Assert.Equal((2, 3000m, 10), (acmeFeatures.GetProperty("wonDeals").GetInt32(), acmeFeatures.GetProperty("wonValue").GetDecimal(),
            acmeFeatures.GetProperty("recencyDays").GetInt32()));
        var lonerFeatures = JsonDocument.Parse(members.Single(m => m.EntityId == loner).Features).RootElement;
        Assert.Equal((1, 900m), (lonerFeatures.GetProperty("wonDeals").GetInt32(), lonerFeatures.GetProperty("openDealValue").GetDecimal()));
        Assert.DoesNotContain(segments, s => s.SegmentType == SegmentType.Behavioral);
    }

    [Fact]
    public async Task A_refresh_of_one_workspace_neither_reads_nor_touches_another()
    {
        var (mine, theirs) = (await NewWorkspaceAsync(), await NewWorkspaceAsync());
        var myGroups = await PlantAsync(mine);
        var theirGroups = await PlantAsync(theirs);
        await RunAsync(theirs);
        var (theirBefore, theirMembersBefore) = await ReadAsync(theirs);

        var summary = await RunAsync(mine);
        var (segments, members) = await ReadAsync(mine);
        var (theirAfter, theirMembersAfter) = await ReadAsync(theirs);

        Assert.Equal(3 * PerGroup, summary.Customers);
        Assert.Equal(myGroups.SelectMany(g => g).Order(), members.Select(m => m.EntityId).Distinct().Order());
        Assert.Empty(segments.Select(s => s.Id).Intersect(theirAfter.Select(s => s.Id)));
        Assert.Equal(theirBefore.Select(s => (s.Id, s.RefreshedAt)), theirAfter.Select(s => (s.Id, s.RefreshedAt)));
        Assert.Equal(theirMembersBefore.Count, theirMembersAfter.Count);
        Assert.Equal(theirGroups.SelectMany(g => g).Order(), theirMembersAfter.Select(m => m.EntityId).Distinct().Order());
    }

    private Task<SegmentationSummary> RunAsync(Guid ws) =>
        worker.Services.GetRequiredService<SegmentationJob>().RunAsync(ws, "test", CancellationToken.None);

    private Task<(List<CustomerSegment> Segments, List<CustomerSegmentMember> Members)> ReadAsync(Guid ws) =>
        worker.InWorkspaceAsync(ws, async db => (
            await db.CustomerSegments.AsNoTracking().OrderBy(s => s.Id).ToListAsync(),
            await db.CustomerSegmentMembers.AsNoTracking().ToListAsync()));

    private static IEnumerable<Guid> MembersOf(List<CustomerSegmentMember> members, CustomerSegment segment) =>
        members.Where(m => m.SegmentId == segment.Id).Select(m => m.EntityId);

    private async Task<Guid> NewWorkspaceAsync()
    {
        var id = Guid.CreateVersion7();
        await using var command = worker.Database.DataSource.CreateCommand("INSERT INTO workspaces (id, name, slug) VALUES ($1, 'Segments', $2)");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue("seg-" + id.ToString("N"));
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<(Guid Pipeline, Guid Stage)> PipelineAsync(Guid ws)
    {
        var (pipeline, stage) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO pipelines (id, workspace_id, name) VALUES ('{pipeline}', '{ws}', 'Sales');
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, default_probability)
                VALUES ('{stage}', '{ws}', '{pipeline}', 'Proposal', 1, 40);
            """);
        return (pipeline, stage);
    }

    /// <summary>
    /// Three groups of <see cref="PerGroup"/> companies: [0] bought 8-10 times for about 10,000 each, last 5-24 days ago,
    /// busy and with 50,000 open; [1] bought once for 500-690 and lost four, 400-495 days ago, silent; [2] in between.
    /// </summary>
    private async Task<List<Guid>[]> PlantAsync(Guid ws)
    {
        var (pipeline, stage) = await PipelineAsync(ws);
        var groups = new[] { new List<Guid>(), new List<Guid>(), new List<Guid>() };
        var sql = new StringBuilder();
        void Company(int group, int i, int recency, int won, decimal value, int lost, int activities, decimal open)
        {
            var id = Guid.CreateVersion7();
            groups[group].Add(id);
            sql.Append(CultureInfo.InvariantCulture, $"INSERT INTO companies (id, workspace_id, name) VALUES ('{id}', '{ws}', 'G{group} C{i}');\n");
            for (var d = 0; d < won; d++)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"INSERT INTO deals (id, workspace_id, name, value, status, actual_close_date, pipeline_id, stage_id, company_id) VALUES (gen_random_uuid(), '{ws}', 'won', {value}, 'won', current_date - {recency + 30 * d}, '{pipeline}', '{stage}', '{id}');\n");
            }
            for (var d = 0; d < lost; d++)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"INSERT INTO deals (id, workspace_id, name, value, status, lost_reason, pipeline_id, stage_id, company_id) VALUES (gen_random_uuid(), '{ws}', 'lost', 1000, 'lost', 'price', '{pipeline}', '{stage}', '{id}');\n");
            }
            if (open > 0)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"INSERT INTO deals (id, workspace_id, name, value, pipeline_id, stage_id, company_id) VALUES (gen_random_uuid(), '{ws}', 'open', {open}, '{pipeline}', '{stage}', '{id}');\n");
            }
            if (activities > 0)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"INSERT INTO activities (id, workspace_id, type, subject, status, completed_at, company_id) SELECT gen_random_uuid(), '{ws}', 'call', 'Call', 'completed', now() - n * interval '5 days', '{id}' FROM generate_series(1, {activities}) n;\n");
            }
        }
        for (var i = 0; i < PerGroup; i++)
        {
            Company(0, i, recency: 5 + i, won: 8 + i % 3, value: 10_000 + 100 * i, lost: i % 2, activities: 10 + i % 5, open: 50_000);
            Company(1, i, recency: 400 + 5 * i, won: 1, value: 500 + 10 * i, lost: 4, activities: 0, open: 0);
            Company(2, i, recency: 150 + 2 * i, won: 3 + i % 2, value: 3_000 + 20 * i, lost: 2, activities: 3, open: 5_000);
        }
        await worker.ExecuteAsync(ws, sql.ToString());
        return groups;
    }
}
