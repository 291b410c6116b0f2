using System.Net;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Domain.Tenancy;
using Crm.Testing;
using Npgsql;

namespace Crm.Api.Tests.Imports;

/// <summary>CSV imports of contacts: volume, counts and progress, audit, isolation, dedupe, row errors and mapping.</summary>
public sealed class ContactImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_2500_row_file_is_imported_in_chunks_with_an_audit_row_per_contact_seen_only_by_its_workspace()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Bulk");
        var outsider = await ImportApi.RegisterAsync(factory, "Outsider");
        var csv = ImportApi.Csv("firstName,lastName,email,city",
            Enumerable.Range(1, 2500).Select(i => $"First{i},Last{i},person{i}@bulk.test,Importville"));

        var queued = await owner.StartAsync(csv);
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        var states = await owner.WaitAsync(ImportApi.Id(queued));
        var job = states[^1];

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(2500, ImportApi.Count(job, "rowsTotal"));
        Assert.Equal(2500, ImportApi.Count(job, "rowsProcessed"));
        Assert.Equal(2500, ImportApi.Count(job, "rowsCreated"));
        Assert.Equal(0, ImportApi.Count(job, "rowsUpdated") + ImportApi.Count(job, "rowsSkipped") + ImportApi.Count(job, "rowsFailed"));
        Assert.Equal(owner.UserId, job.GetProperty("createdBy").GetGuid());
        Assert.True(job.GetProperty("startedAt").GetDateTimeOffset() <= job.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.Empty(await owner.ErrorsAsync(ImportApi.Id(job)));
        // Progress only moves forward, and each state seen is a whole number of chunks (or the end).
        var processed = states.Select(s => ImportApi.Count(s, "rowsProcessed")).ToList();
        Assert.Equal(processed.Order(), processed);
        Assert.All(processed, p => Assert.True(p % 1000 == 0 || p == 2500, $"{p} rows processed is not at a chunk boundary"));

        using (var list = await owner.Contacts.SendAsync(HttpMethod.Get, "/?filter[city]=Importville&includeTotal=true&limit=1"))
        {
            Assert.Equal(2500, (await owner.Contacts.ReadAsync(list)).GetProperty("total").GetInt64());
        }
        using (var audit = await owner.Companies.GetAuditAsync("?entityType=contact&filter[action]=imported&includeTotal=true&limit=1"))
        {
            var page = await owner.Contacts.ReadAsync(audit);
            Assert.Equal(2500, page.GetProperty("total").GetInt64());
            var entry = page.GetProperty("data")[0];
            Assert.Equal(owner.UserId, entry.GetProperty("actorUserId").GetGuid());
            Assert.EndsWith("@bulk.test", entry.GetProperty("newValues").GetProperty("email").GetString());
            Assert.Equal(owner.UserId, entry.GetProperty("newValues").GetProperty("ownerId").GetGuid());
            // A contact that came in by import says so, unless the file gives its source.
            Assert.Equal("import", entry.GetProperty("newValues").GetProperty("source").GetString());
        }

        // Another workspace sees neither the contacts nor the job, through the API or through row-level security.
        Assert.Empty(await outsider.Contacts.ListEmailsAsync("?filter[city]=Importville"));
        using (var list = await outsider.SendAsync(HttpMethod.Get, "/"))
        {
            Assert.Empty((await outsider.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray());
        }
        Assert.Equal(2500, await CountAsServiceAsync(owner, "SELECT count(*) FROM contacts WHERE city = 'Importville'"));
        Assert.Equal(0, await CountAsServiceAsync(outsider, "SELECT count(*) FROM contacts WHERE city = 'Importville'"));
        Assert.Equal(0, await CountAsServiceAsync(outsider, "SELECT count(*) FROM import_jobs"));
        Assert.Equal(2500, await CountAsServiceAsync(owner, "SELECT count(*) FROM audit_logs WHERE action = 'imported'"));
        // The file is gone once the job has ended.
        Assert.Equal(0, await CountAsServiceAsync(owner, "SELECT count(*) FROM import_job_files"));
    }

    [Fact]
    public async Task Duplicates_within_the_file_and_of_live_contacts_are_skipped_whatever_the_case()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Dedupe");
        await owner.Contacts.CreateAsync(new { firstName = "Existing", email = "Existing@dedupe.test" });
        var (deleted, etag) = await owner.Contacts.CreateAsync(new { firstName = "Deleted", email = "deleted@dedupe.test" });
        (await owner.Contacts.SendAsync(HttpMethod.Delete, $"/{deleted.GetProperty("id").GetGuid()}", ifMatch: etag)).Dispose();
        var csv = ImportApi.Csv("firstName,email",
        [
            "Again,EXISTING@dedupe.test",
            "New,new@dedupe.test",
            "Twice,New@Dedupe.test",
            "Revived,deleted@dedupe.test",
            ",new@dedupe.test",
        ]);

        var job = await owner.ImportAsync(csv);

        Assert.Equal((2, 2, 1), (ImportApi.Count(job, "rowsCreated"), ImportApi.Count(job, "rowsSkipped"), ImportApi.Count(job, "rowsFailed")));
        var errors = await owner.ErrorsAsync(ImportApi.Id(job));
        Assert.Collection(errors,
            existing =>
            {
                Assert.Equal(2, existing.GetProperty("row").GetInt32());
                Assert.Equal("skipped", existing.GetProperty("outcome").GetString());
                Assert.Equal("email", existing.GetProperty("field").GetString());
                Assert.Equal("email", existing.GetProperty("column").GetString());
                Assert.Equal("EXISTING@dedupe.test", existing.GetProperty("value").GetString());
                Assert.Contains("live contact has this email", existing.GetProperty("message").GetString());
            },
            twin =>
            {
                Assert.Equal(4, twin.GetProperty("row").GetInt32());
                Assert.Equal("skipped", twin.GetProperty("outcome").GetString());
                Assert.Contains("Row 3 of this file", twin.GetProperty("message").GetString());
            },
            // An invalid row fails for what is wrong with it, even when it repeats an email.
            invalid =>
            {
                Assert.Equal(6, invalid.GetProperty("row").GetInt32());
                Assert.Equal("failed", invalid.GetProperty("outcome").GetString());
                Assert.Equal("firstName", invalid.GetProperty("field").GetString());
            });
        var emails = await owner.Contacts.ListEmailsAsync("?sort=email");
        Assert.Equal(["deleted@dedupe.test", "Existing@dedupe.test", "new@dedupe.test"], emails.Order(StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Bad_rows_fail_with_their_row_numbers_and_the_good_rows_are_imported()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Errors");
        var (company, _) = await owner.Companies.CreateAsync(new { name = "Known" });
        var unknownCompany = Guid.NewGuid();
        var csv = ImportApi.Csv("firstName,lastName,email,companyId,leadScore,title",
        [
            $"Good,One,good1@errors.test,{company.GetProperty("id").GetGuid()},10,",  // row 2
            "Bad,Email,not-an-email,,,",                                             // row 3
            ",,nameless@errors.test,,,",                                             // row 4
            $"Lost,Company,lost@errors.test,{unknownCompany},,",                     // row 5
            "\"Ann\"x,Quote,quote@errors.test,,,",                                   // row 6
            "Too,Few,few@errors.test",                                               // row 7
            "Score,Word,score@errors.test,,lots,",                                   // row 8
            "\"Multi\r\nLine\",\"Comma, Inc\",multi@errors.test,,,\"He said \"\"hi\"\"\"", // row 9
            "Bare\"quote,After,bare@errors.test,,,",                                 // row 10
            "Good,Two,good2@errors.test,,100,",                                      // row 11
        ]);

        var job = await owner.ImportAsync(csv);

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(10, ImportApi.Count(job, "rowsTotal"));
        Assert.Equal((3, 7), (ImportApi.Count(job, "rowsCreated"), ImportApi.Count(job, "rowsFailed")));
        var errors = await owner.ErrorsAsync(ImportApi.Id(job));
        Assert.Equal([3, 4, 5, 6, 7, 8, 10], errors.Select(e => e.GetProperty("row").GetInt32()));
        Assert.All(errors, e => Assert.Equal("failed", e.GetProperty("outcome").GetString()));
        var byRow = errors.ToDictionary(e => e.GetProperty("row").GetInt32());
        Assert.Equal("email", byRow[3].GetProperty("field").GetString());
        Assert.Equal("not-an-email", byRow[3].GetProperty("value").GetString());
        Assert.Equal("firstName", byRow[4].GetProperty("field").GetString());
        Assert.Equal("companyId", byRow[5].GetProperty("field").GetString());
        Assert.Equal(unknownCompany.ToString(), byRow[5].GetProperty("value").GetString());
        Assert.Contains("closing quote", byRow[6].GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, byRow[6].GetProperty("field").ValueKind);
        Assert.Contains("3 fields", byRow[7].GetProperty("message").GetString());
        Assert.Equal("leadScore", byRow[8].GetProperty("field").GetString());
        Assert.Equal("lots", byRow[8].GetProperty("value").GetString());
        Assert.Contains("not in quotes", byRow[10].GetProperty("message").GetString());

        using var response = await owner.Contacts.SendAsync(HttpMethod.Get, "/?filter[email]=multi@errors.test");
        var multi = (await owner.Contacts.ReadAsync(response)).GetProperty("data")[0];
        Assert.Equal("Multi\r\nLine", multi.GetProperty("firstName").GetString());
        Assert.Equal("Comma, Inc", multi.GetProperty("lastName").GetString());
        Assert.Equal("He said \"hi\"", multi.GetProperty("title").GetString());
        Assert.Equal(["good1@errors.test", "good2@errors.test", "multi@errors.test"], (await owner.Contacts.ListEmailsAsync("?sort=email")).Order());
        // A failed row is one row however many of its fields are at fault; the filter narrows the report.
        Assert.Single(await owner.ErrorsAsync(ImportApi.Id(job), "&filter[field]=companyId"));
    }

    [Fact]
    public async Task A_mapping_renames_columns_leaves_others_out_and_the_rest_match_by_name()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Mapping");
        var csv = ImportApi.Csv("E-mail,Given name,Surname,Notes,CITY,Ignored",
            ["jane@mapping.test,Jane,Doe,call back,Lisbon,whatever"]);

        var job = await owner.ImportAsync(csv, mapping: """{"E-mail": "email", "Given name": "firstName", "Surname": "lastName", "Notes": null}""");

        Assert.Equal(1, ImportApi.Count(job, "rowsCreated"));
        var mapping = job.GetProperty("mapping");
        Assert.Equal("email", mapping.GetProperty("E-mail").GetString());
        Assert.Equal(JsonValueKind.Null, mapping.GetProperty("Notes").ValueKind);
        Assert.Equal("city", mapping.GetProperty("CITY").GetString());
        Assert.Equal(JsonValueKind.Null, mapping.GetProperty("Ignored").ValueKind);
        using var response = await owner.Contacts.SendAsync(HttpMethod.Get, "/?filter[email]=jane@mapping.test");
        var jane = (await owner.Contacts.ReadAsync(response)).GetProperty("data")[0];
        Assert.Equal(("Jane", "Doe", "Lisbon"), (jane.GetProperty("firstName").GetString(), jane.GetProperty("lastName").GetString(), jane.GetProperty("city").GetString()));
    }

    [Theory]
    [InlineData("""{"E-mail": "shoeSize"}""", "mapping.E-mail")]
    [InlineData("""{"Nope": "email"}""", "mapping.Nope")]
    [InlineData("""{"E-mail": 3}""", "mapping.E-mail")]
    [InlineData("""["email"]""", "mapping")]
    [InlineData("{not json", "mapping")]
    [InlineData("""{"E-mail": "email", "Name": "email"}""", "mapping")]
    [InlineData("""{"E-mail": null, "Name": null}""", "mapping")]
    public async Task A_mapping_that_does_not_fit_the_file_or_the_fields_is_400_naming_it(string mapping, string field)
    {
        var owner = await ImportApi.RegisterAsync(factory, "Bad mapping");

        using var response = await owner.UploadAsync(ImportApi.Csv("E-mail,Name", ["a@b.test,A"]), mapping: mapping);

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        using var list = await owner.SendAsync(HttpMethod.Get, "/");
        Assert.Empty((await owner.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task An_exported_file_imports_back_with_the_identity_mapping()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Round trip");
        var customFields = owner.Companies.WithResource("/api/v1/custom-fields");
        await customFields.CreateAsync(new { objectType = "contact", key = "tier", label = "Tier", fieldType = "text" });
        await customFields.CreateAsync(new { objectType = "contact", key = "seats", label = "Seats", fieldType = "number" });
        var (company, _) = await owner.Companies.CreateAsync(new { name = "Trip Co" });
        var original = new
        {
            firstName = "=Formula",
            lastName = "O'Trip, \"Jr\"",
            email = "trip@roundtrip.test",
            phone = "+1 555 0100",
            lifecycleStage = "customer",
            leadScore = 42,
            customFields = new { tier = "gold", seats = 3 },
            companyId = company.GetProperty("id").GetGuid(),
        };
        var (created, etag) = await owner.Contacts.CreateAsync(original);
        using var export = await owner.Contacts.SendAsync(HttpMethod.Get, "/export");
        var csv = await export.Content.ReadAsStringAsync();
        (await owner.Contacts.SendAsync(HttpMethod.Delete, $"/{created.GetProperty("id").GetGuid()}", ifMatch: etag)).Dispose();

        var job = await owner.ImportAsync(csv);

        Assert.Equal(1, ImportApi.Count(job, "rowsCreated"));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("mapping").GetProperty("id").ValueKind);
        using var response = await owner.Contacts.SendAsync(HttpMethod.Get, "/?filter[email]=trip@roundtrip.test");
        var imported = (await owner.Contacts.ReadAsync(response)).GetProperty("data")[0];
        Assert.NotEqual(created.GetProperty("id").GetGuid(), imported.GetProperty("id").GetGuid());
        foreach (var field in new[] { "firstName", "lastName", "email", "phone", "lifecycleStage", "source", "leadScore", "companyId", "ownerId" })
        {
            Assert.Equal(created.GetProperty(field).ToString(), imported.GetProperty(field).ToString());
        }
        Assert.Equal("gold", imported.GetProperty("customFields").GetProperty("tier").GetString());
        Assert.Equal(3, imported.GetProperty("customFields").GetProperty("seats").GetInt32());
    }

    [Fact]
    public async Task The_update_policy_writes_a_rows_cells_onto_the_live_contact_with_its_email()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Update");
        var (contact, _) = await owner.Contacts.CreateAsync(new { firstName = "Ada", email = "ada@update.test", city = "Old", title = "CEO" });
        await owner.Contacts.CreateAsync(new { firstName = "Same", email = "same@update.test", city = "Here" });
        var csv = ImportApi.Csv("email,city,leadScore",
        [
            "ADA@update.test,New,50",
            "same@update.test,Here,",
            "ada@update.test,Newer,",
            "fresh@update.test,Fresh,",
            "same@update.test,,500",
        ]);

        var job = await owner.ImportAsync(csv, dedupe: "update");

        Assert.Equal("update", job.GetProperty("dedupe").GetString());
        // Row 2 updates Ada (email included, as the file spells it), row 3 changes nothing, row 4 repeats row 2's email,
        // row 5 is a new contact without a name, row 6 an update with a lead score out of range.
        Assert.Equal((1, 0, 2, 2), (ImportApi.Count(job, "rowsUpdated"), ImportApi.Count(job, "rowsCreated"),
            ImportApi.Count(job, "rowsSkipped"), ImportApi.Count(job, "rowsFailed")));
        var errors = await owner.ErrorsAsync(ImportApi.Id(job));
        Assert.Equal([(3, "skipped"), (4, "skipped"), (5, "failed"), (6, "failed")],
            errors.Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("outcome").GetString())));
        Assert.Contains("already has these values", errors[0].GetProperty("message").GetString());
        Assert.Contains("Row 2 of this file", errors[1].GetProperty("message").GetString());
        Assert.Equal("firstName", errors[2].GetProperty("field").GetString());
        Assert.Equal("leadScore", errors[3].GetProperty("field").GetString());

        using var response = await owner.Contacts.SendAsync(HttpMethod.Get, $"/{contact.GetProperty("id").GetGuid()}");
        var updated = await owner.Contacts.ReadAsync(response);
        Assert.Equal(("New", "CEO", 50, "ADA@update.test"), (updated.GetProperty("city").GetString(), updated.GetProperty("title").GetString(),
            updated.GetProperty("leadScore").GetInt32(), updated.GetProperty("email").GetString()));
        var audit = await owner.Contacts.AuditOfAsync(contact.GetProperty("id").GetGuid());
        var change = Assert.Single(audit, a => a.GetProperty("action").GetString() == "updated");
        Assert.Equal("Old", change.GetProperty("oldValues").GetProperty("city").GetString());
        Assert.Equal("New", change.GetProperty("newValues").GetProperty("city").GetString());
    }

    [Fact]
    public async Task The_update_policy_leaves_contacts_outside_the_callers_record_scope_alone()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Update scope");
        var rep = await ImportApi.JoinAsync(factory, owner, "sales_rep", "own");
        var (owners, _) = await owner.Contacts.CreateAsync(new { firstName = "Owner's", email = "owners@scope.test", city = "Kept" });

        var job = await rep.ImportAsync(ImportApi.Csv("email,city", ["owners@scope.test,Changed"]), dedupe: "update");

        Assert.Equal((0, 1), (ImportApi.Count(job, "rowsUpdated"), ImportApi.Count(job, "rowsSkipped")));
        Assert.Contains("outside your record scope", (await rep.ErrorsAsync(ImportApi.Id(job)))[0].GetProperty("message").GetString());
        using var response = await owner.Contacts.SendAsync(HttpMethod.Get, $"/{owners.GetProperty("id").GetGuid()}");
        Assert.Equal("Kept", (await owner.Contacts.ReadAsync(response)).GetProperty("city").GetString());
    }

    /// <summary>A count read as the services' login in the caller's tenant session: what row-level security lets it see.</summary>
    private async Task<long> CountAsServiceAsync(ImportApi caller, string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.ServiceConnectionString(factory.Database.Name));
        await connection.OpenAsync();
        await new TenantSession(caller.Contacts.WorkspaceId, caller.UserId).ApplyAsync(connection);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
