using Crm.Domain.Ai;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>
/// The embeddings consumer against the real database, outbox and local word vectors: records written with SQL get a
/// vector of the local model, are embedded again when their text changes, lose it when deleted, and "similar" finds a
/// planted near-duplicate first, within the workspace only.
/// </summary>
public sealed class EmbeddingIndexingTests(AiWorkerFactory worker) : IClassFixture<AiWorkerFactory>
{
    private const string LocalModel = "sif-glove-100d";

    [Fact]
    public async Task Records_written_with_sql_get_vectors_of_the_local_model_through_the_outbox_and_an_ai_task_is_logged()
    {
        var (company, contact, twinContact, deal, note) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var (pipeline, stage) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var ws = worker.WorkspaceA;
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO companies (id, workspace_id, name, industry, description)
                VALUES ('{company}', '{ws}', 'Brightwater Logistics', 'Transportation', 'Refrigerated trucking and cold storage for grocery chains');
            INSERT INTO contacts (id, workspace_id, first_name, last_name, title, department, company_id) VALUES
                ('{contact}', '{ws}', 'Ada', 'Okonkwo', 'Head of Procurement', 'Purchasing', '{company}'),
                ('{twinContact}', '{ws}', 'Bartholomew', 'Vanterpool', 'Head of Procurement', 'Purchasing', '{company}');
            INSERT INTO pipelines (id, workspace_id, name) VALUES ('{pipeline}', '{ws}', 'Indexing {pipeline:N}');
            INSERT INTO pipeline_stages (id, workspace_id, pipeline_id, name, position, default_probability)
                VALUES ('{stage}', '{ws}', '{pipeline}', 'Proposal', 1, 40);
            INSERT INTO deals (id, workspace_id, name, value, probability, pipeline_id, stage_id, company_id, description)
                VALUES ('{deal}', '{ws}', 'Fleet telematics rollout', 48000, 40, '{pipeline}', '{stage}', '{company}',
                        'GPS tracking units for two hundred delivery trucks');
            INSERT INTO notes (id, workspace_id, content, contact_id, deal_id)
                VALUES ('{note}', '{ws}', 'She wants the pilot to start before the winter season', '{contact}', '{deal}');
            """);

        var rows = await worker.EmbeddedAsync([company, contact, twinContact, deal]);

        Assert.All(rows.Values, row =>
        {
            Assert.Equal(ws, row.WorkspaceId);
            Assert.Equal(LocalModel, row.Model);
            Assert.Equal(100, row.Dimensions);
            Assert.Equal(100, row.StoredDimensions);
            Assert.Equal(1.0, row.Norm, 3); // SIF vectors are unit length
            Assert.Matches("^[0-9a-f]{32}$", row.ContentHash);
        });
        Assert.Equal(("company", "contact", "deal"), (rows[company].EntityType, rows[contact].EntityType, rows[deal].EntityType));
        // Names are left out of the text on purpose: the contact with the note differs from the one without it only by
        // the note, and once the note's event is handled (it may come in the same batch) the hashes differ.
        rows = await worker.EmbeddingsUntilAsync([contact, twinContact], r => r.Count == 2 && r[contact].ContentHash != r[twinContact].ContentHash);
        Assert.NotEqual(rows[contact].ContentHash, rows[twinContact].ContentHash);

        await using var tasks = worker.Database.DataSource.CreateCommand(
            """
            SELECT count(*) FROM ai_tasks
            WHERE workspace_id = @ws AND type = 'embedding' AND status = 'completed' AND model_provider = 'sif' AND model_name = @model
              AND completed_at IS NOT NULL AND error_message IS NULL AND (output ->> 'embedded')::int > 0
            """);
        tasks.Parameters.AddWithValue("ws", ws);
        tasks.Parameters.AddWithValue("model", LocalModel);
        Assert.True((long)(await tasks.ExecuteScalarAsync())! >= 1, "No completed 'embedding' ai_tasks row of the local model.");
    }

    [Fact]
    public async Task Two_contacts_with_the_same_title_and_department_but_different_names_get_the_same_text()
    {
        var (first, second) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var ws = worker.WorkspaceA;
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO contacts (id, workspace_id, first_name, last_name, email, title, department) VALUES
                ('{first}', '{ws}', 'Chidinma', 'Okafor', 'c.okafor@example.com', 'Chief Financial Officer', 'Finance'),
                ('{second}', '{ws}', 'Rutger', 'Lindqvist', 'rl@example.org', 'Chief Financial Officer', 'Finance');
            """);

        var rows = await worker.EmbeddedAsync([first, second]);

        Assert.Equal(rows[first].ContentHash, rows[second].ContentHash);
    }

    [Fact]
    public async Task Similar_returns_a_planted_near_duplicate_first_among_varied_records()
    {
        var ws = worker.WorkspaceA;
        var (twin, original) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var others = Companies.Select(_ => Guid.CreateVersion7()).ToArray();
        var values = Companies.Select((c, i) => $"('{others[i]}', '{ws}', {Sql(c.Name)}, {Sql(c.Industry)}, {Sql(c.Description)})")
            .Append($"('{original}', '{ws}', 'Halvorsen Dairy Cooperative', 'Agriculture', " +
                    "'Family dairy farms that want solar panels and battery storage on their barns to lower the electricity bill')")
            .Append($"('{twin}', '{ws}', 'Greenmeadow Milk Producers', 'Agriculture', " +
                    "'Dairy farms wanting solar panels and batteries on the barn roofs to cut their electricity bills')");
        await worker.ExecuteAsync(ws, $"INSERT INTO companies (id, workspace_id, name, industry, description) VALUES {string.Join(",\n", values)}");
        await worker.EmbeddedAsync([.. others, original, twin]);

        var similar = await worker.InWorkspaceAsync(ws, db => EmbeddingStore.SimilarAsync(db, "company", original, ["company", "deal"], 5, CancellationToken.None));

        Assert.NotNull(similar);
        Assert.Equal(5, similar.Count);
        Assert.Equal(twin, similar[0].EntityId);
        Assert.DoesNotContain(similar, m => m.EntityId == original); // never itself
        Assert.True(similar[0].Similarity > similar[1].Similarity, $"{similar[0].Similarity} vs {similar[1].Similarity}");
        Assert.Equal(similar.OrderByDescending(m => m.Similarity).Select(m => m.EntityId), similar.Select(m => m.EntityId));

        // And the other way round: the original is the twin's nearest.
        var back = await worker.InWorkspaceAsync(ws, db => EmbeddingStore.SimilarAsync(db, "company", twin, ["company"], 1, CancellationToken.None));
        Assert.Equal(original, Assert.Single(back!).EntityId);
    }

    [Fact]
    public async Task A_changed_text_is_embedded_again_a_note_changes_its_contact_and_a_deleted_record_loses_its_vector()
    {
        var ws = worker.WorkspaceA;
        var contact = Guid.CreateVersion7();
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO contacts (id, workspace_id, first_name, last_name, title, department)
                VALUES ('{contact}', '{ws}', 'Imogen', 'Castellanos', 'Warehouse Supervisor', 'Operations');
            """);
        var first = (await worker.EmbeddedAsync([contact]))[contact].ContentHash;

        await worker.ExecuteAsync(ws, $"UPDATE contacts SET title = 'Director of Marketing', department = 'Marketing' WHERE id = '{contact}'");
        var retitled = (await worker.EmbeddingsUntilAsync([contact], r => r.TryGetValue(contact, out var row) && row.ContentHash != first))[contact];
        Assert.Equal(LocalModel, retitled.Model);

        // A note on the contact is part of its text: the contact is embedded again (the note's event, not the contact's).
        await worker.ExecuteAsync(ws, $"""
            INSERT INTO notes (id, workspace_id, content, contact_id)
                VALUES ('{Guid.CreateVersion7()}', '{ws}', 'Asked about a sponsorship package for the spring trade fair', '{contact}');
            """);
        var noted = (await worker.EmbeddingsUntilAsync([contact], r => r.TryGetValue(contact, out var row) && row.ContentHash != retitled.ContentHash))[contact];
        Assert.NotEqual(first, noted.ContentHash);

        await worker.ExecuteAsync(ws, $"UPDATE contacts SET deleted_at = now() WHERE id = '{contact}'");
        var gone = await worker.EmbeddingsUntilAsync([contact], r => r.Count == 0);
        Assert.Empty(gone);
    }

    [Fact]
    public async Task Similar_and_nearest_in_one_workspace_never_return_another_workspace_records()
    {
        var (a, b) = (worker.WorkspaceA, worker.WorkspaceB);
        const string Description = "'Commercial beekeeping and wildflower honey sold to bakeries and health food shops'";
        var (theirTwin, ours) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var ourOthers = Companies.Take(8).Select(_ => Guid.CreateVersion7()).ToArray();
        await worker.ExecuteAsync(a, $"""
            INSERT INTO companies (id, workspace_id, name, industry, description)
                VALUES ('{theirTwin}', '{a}', 'Hivecraft Apiaries', 'Food Production', {Description});
            """);
        await worker.ExecuteAsync(b, $"""
            INSERT INTO companies (id, workspace_id, name, industry, description)
                VALUES ('{ours}', '{b}', 'Hivecraft Apiaries', 'Food Production', {Description}),
                {string.Join(",\n", Companies.Take(8).Select((c, i) => $"('{ourOthers[i]}', '{b}', {Sql(c.Name)}, {Sql(c.Industry)}, {Sql(c.Description)})"))};
            """);
        var rows = await worker.EmbeddedAsync([theirTwin, ours, .. ourOthers]);
        Assert.Equal(rows[theirTwin].ContentHash, rows[ours].ContentHash); // the same text: the same vector, in A

        var similar = await worker.InWorkspaceAsync(b, db => EmbeddingStore.SimilarAsync(db, "company", ours, ["company", "contact", "deal", "lead"], 50, CancellationToken.None));
        Assert.NotNull(similar);
        var vector = await VectorOfAsync(ours);
        var nearestInB = await worker.InWorkspaceAsync(b, db => EmbeddingStore.NearestAsync(db, vector, LocalModel, ["company"], 50, CancellationToken.None));
        var nearestInA = await worker.InWorkspaceAsync(a, db => EmbeddingStore.NearestAsync(db, vector, LocalModel, ["company"], 50, CancellationToken.None));

        var inB = (await worker.EmbeddingsAsync([.. similar.Select(m => m.EntityId), .. nearestInB.Select(m => m.EntityId)])).Values;
        Assert.NotEmpty(similar);
        Assert.All(inB, row => Assert.Equal(b, row.WorkspaceId));
        Assert.DoesNotContain(similar, m => m.EntityId == theirTwin);
        Assert.Equal(ours, nearestInB[0].EntityId);
        Assert.DoesNotContain(nearestInB, m => m.EntityId == theirTwin);
        Assert.Superset(ourOthers.ToHashSet(), nearestInB.Select(m => m.EntityId).Where(id => id != ours).ToHashSet());
        // The control: the same query in A finds A's copy first, so B's answer is isolation, not a miss.
        Assert.Equal(theirTwin, nearestInA[0].EntityId);
        Assert.DoesNotContain(nearestInA, m => m.EntityId == ours);
    }

    private async Task<float[]> VectorOfAsync(Guid id)
    {
        await using var command = worker.Database.DataSource.CreateCommand("SELECT embedding::real[] FROM embeddings WHERE entity_id = @id");
        command.Parameters.AddWithValue("id", id);
        return (float[])(await command.ExecuteScalarAsync())!;
    }

    private static string Sql(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Varied companies, some near the planted pair's topics (energy, farming, food) so that the pair must be found, not guessed.</summary>
    private static readonly (string Name, string Industry, string Description)[] Companies =
    [
        ("Northwind Offshore", "Energy", "Builds and maintains offshore wind turbines in the North Sea"),
        ("Cedar Ridge Orchards", "Agriculture", "Apple and pear orchards with a cider press and a farm shop"),
        ("Lumen Grid Services", "Utilities", "Electricity distribution network maintenance for regional utilities"),
        ("Pixelforge Studios", "Media", "Animated films and video game cinematics"),
        ("Harborline Shipping", "Transportation", "Container shipping between Asian and European ports"),
        ("Quarry Peak Materials", "Construction", "Crushed stone, gravel and concrete for road building"),
        ("Saffron Table", "Hospitality", "A chain of Indian restaurants with home delivery"),
        ("Brightpath Tutoring", "Education", "Online mathematics tutoring for secondary school pupils"),
        ("Ironclad Security", "Security", "Armed guards and alarm monitoring for banks and jewellers"),
        ("Meridian Health Clinics", "Healthcare", "Family doctors and physiotherapy in suburban clinics"),
        ("Copperleaf Legal", "Legal Services", "Employment law advice for small businesses"),
        ("Tidewater Aquaculture", "Agriculture", "Salmon and trout fish farms in coastal waters"),
        ("Vantage Analytics", "Software", "Dashboards and reporting software for retail sales data"),
        ("Silverline Textiles", "Manufacturing", "Weaves cotton and wool fabrics for clothing brands"),
        ("Oakhurst Furniture", "Retail", "Handmade oak tables, chairs and kitchen cabinets"),
        ("Polaris Aerospace", "Aerospace", "Satellite components and rocket engine testing"),
        ("Evergreen Landscaping", "Services", "Garden design, lawn care and tree surgery for homeowners"),
        ("Crescent Pharmaceuticals", "Pharmaceuticals", "Generic medicines and vaccine manufacturing"),
        ("Bluefin Insurance", "Insurance", "Car and home insurance policies sold online"),
        ("Summit Outdoor Gear", "Retail", "Hiking boots, tents and climbing equipment"),
        ("Redbrick Property", "Real Estate", "Lets and manages student apartments near universities"),
        ("Falcon Courier", "Logistics", "Same-day parcel delivery by motorbike in the city centre"),
        ("Golden Grain Bakery", "Food Production", "Industrial bread and pastry bakery supplying supermarkets"),
        ("Nimbus Cloud Hosting", "Software", "Managed servers and data backup for online shops"),
        ("Coral Reef Travel", "Travel", "Diving holidays and island hotel packages"),
        ("Stonebridge Accounting", "Financial Services", "Bookkeeping, payroll and tax returns for freelancers"),
        ("Solaris Rooftop Energy", "Energy", "Installs rooftop solar panels on suburban houses"),
        ("Prairie Grain Cooperative", "Agriculture", "Wheat and barley growers sharing storage silos and harvesters"),
    ];
}
