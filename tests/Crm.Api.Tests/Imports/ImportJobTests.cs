using System.Net;
using System.Net.Http.Json;
using System.Text;
using Crm.Api.Tests.Auth;

namespace Crm.Api.Tests.Imports;

/// <summary>The import job API: who may upload, cancel and read, which uploads are refused, and replicas sharing the work.</summary>
public sealed class ImportJobTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string OneContact = "firstName,email\r\nOne,one@jobs.test\r\n";

    [Fact]
    public async Task A_viewer_reads_jobs_but_cannot_upload_or_cancel()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Roles");
        var viewer = await ImportApi.JoinAsync(factory, owner, "viewer", "all");
        var job = await owner.ImportAsync(OneContact);

        using (var upload = await viewer.UploadAsync(OneContact))
        {
            await AuthApi.AssertProblemAsync(upload, HttpStatusCode.Forbidden);
        }
        using (var cancel = await viewer.SendAsync(HttpMethod.Post, $"/{ImportApi.Id(job)}/cancel"))
        {
            await AuthApi.AssertProblemAsync(cancel, HttpStatusCode.Forbidden);
        }
        Assert.Equal("completed", (await viewer.GetAsync(ImportApi.Id(job))).GetProperty("status").GetString());
        using var list = await viewer.SendAsync(HttpMethod.Get, "/");
        Assert.Single((await viewer.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_rep_with_scope_own_sees_only_their_own_jobs()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Scopes");
        var rep = await ImportApi.JoinAsync(factory, owner, "sales_rep", "own");
        var ownersJob = await owner.ImportAsync(OneContact);
        var repsJob = await rep.ImportAsync("firstName,email\r\nRep,rep@jobs.test\r\n");

        using (var get = await rep.SendAsync(HttpMethod.Get, $"/{ImportApi.Id(ownersJob)}"))
        {
            await AuthApi.AssertProblemAsync(get, HttpStatusCode.NotFound);
        }
        using var list = await rep.SendAsync(HttpMethod.Get, "/");
        var ids = (await rep.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray().Select(ImportApi.Id);
        Assert.Equal([ImportApi.Id(repsJob)], ids);
        // The rep's contacts are theirs: the job ran with their access.
        Assert.Equal(["rep@jobs.test"], await rep.Contacts.ListEmailsAsync());
    }

    [Fact]
    public async Task Another_workspace_gets_404_for_a_job_its_errors_and_its_cancel()
    {
        var victim = await ImportApi.RegisterAsync(factory, "Victim");
        var attacker = await ImportApi.RegisterAsync(factory, "Attacker");
        var job = await victim.ImportAsync("firstName,email\r\n,bad\r\n");
        var id = ImportApi.Id(job);

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"/{id}"), (HttpMethod.Get, $"/{id}/errors"), (HttpMethod.Post, $"/{id}/cancel") })
        {
            using var response = await attacker.SendAsync(method, path);
            await AuthApi.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
        using (var list = await attacker.SendAsync(HttpMethod.Get, $"/?filter[id]={id}"))
        {
            Assert.Empty((await attacker.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray());
        }
        Assert.Equal(2, (await victim.ErrorsAsync(id)).Count);
    }

    [Fact]
    public async Task Cancelling_an_ended_job_is_a_409()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Ended");
        var job = await owner.ImportAsync(OneContact);

        using var cancel = await owner.SendAsync(HttpMethod.Post, $"/{ImportApi.Id(job)}/cancel");

        var problem = await AuthApi.AssertProblemAsync(cancel, HttpStatusCode.Conflict);
        Assert.Contains("completed", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_file_over_the_configured_size_is_413_and_queues_nothing()
    {
        using var small = factory.WithWebHostBuilder(b => b.UseSetting("Imports:MaxFileBytes", "1000"));
        var owner = (await ImportApi.RegisterAsync(factory, "Large")).On(small.CreateClient());
        var csv = ImportApi.Csv("firstName,email", Enumerable.Range(0, 100).Select(i => $"Person{i},person{i}@large.test"));

        using var response = await owner.UploadAsync(csv);

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1000 bytes", problem.GetProperty("detail").GetString());
        using var list = await owner.SendAsync(HttpMethod.Get, "/");
        Assert.Empty((await owner.Companies.ReadAsync(list)).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task A_body_that_is_not_a_multipart_form_or_a_file_that_is_not_csv_is_415()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Media types");

        using (var json = await owner.SendAsync(HttpMethod.Post, "/"))
        {
            await AuthApi.AssertProblemAsync(json, HttpStatusCode.UnsupportedMediaType);
        }
        using (var pdf = await owner.UploadAsync(OneContact, fileContentType: "application/pdf"))
        {
            await AuthApi.AssertProblemAsync(pdf, HttpStatusCode.UnsupportedMediaType);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = JsonContent.Create(new { objectType = "contacts" }) };
        using var body = await owner.Companies.SendAsync(request);
        await AuthApi.AssertProblemAsync(body, HttpStatusCode.UnsupportedMediaType);
    }

    public static TheoryData<string, byte[]?, string?, string?, string> BadUploads => new()
    {
        { "no file", null, "contacts", null, "file" },
        { "unknown object type", Encoding.UTF8.GetBytes(OneContact), "deals", null, "objectType" },
        { "no object type", Encoding.UTF8.GetBytes(OneContact), null, null, "objectType" },
        { "unknown dedupe", Encoding.UTF8.GetBytes(OneContact), "contacts", "merge", "dedupe" },
        { "not UTF-8", [0x66, 0x69, 0x72, 0x73, 0x74, 0x4E, 0x61, 0x6D, 0x65, 0x0D, 0x0A, 0xC3, 0x28, 0xFF], "contacts", null, "file" },
        { "empty", [], "contacts", null, "file" },
        { "repeated header", Encoding.UTF8.GetBytes("email,email\r\na@b.test,c@d.test\r\n"), "contacts", null, "file" },
        { "malformed header", Encoding.UTF8.GetBytes("\"email,firstName\r\n"), "contacts", null, "file" },
        { "no known column", Encoding.UTF8.GetBytes("Shoe size,Hat\r\n42,L\r\n"), "contacts", null, "mapping" },
    };

    [Theory]
    [MemberData(nameof(BadUploads))]
    public async Task An_upload_missing_a_part_or_with_an_unreadable_file_is_400_naming_it(
        string why, byte[]? file, string? objectType, string? dedupe, string field)
    {
        var owner = await ImportApi.RegisterAsync(factory, "Bad uploads");

        using var response = file is null
            ? await owner.Companies.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports")
            {
                Content = new MultipartFormDataContent { { new StringContent("contacts"), "objectType" } },
            })
            : await owner.UploadAsync(file, objectType, dedupe: dedupe);

        var problem = await AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: {problem}");
    }

    [Fact]
    public async Task An_upload_repeated_with_its_idempotency_key_replays_the_first_job()
    {
        var owner = await ImportApi.RegisterAsync(factory, "Idempotent");
        var key = Guid.NewGuid().ToString();

        using var first = await owner.UploadAsync(OneContact, idempotencyKey: key);
        using var again = await owner.UploadAsync(OneContact, idempotencyKey: key);
        using var other = await owner.UploadAsync("firstName,email\r\nOther,other@jobs.test\r\n", idempotencyKey: key);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
        var id = ImportApi.Id(await ImportApi.BodyAsync(first));
        Assert.Equal(id, ImportApi.Id(await ImportApi.BodyAsync(again)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        await owner.WaitAsync(id);
        Assert.Equal(["one@jobs.test"], await owner.Contacts.ListEmailsAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_upload_as_a_multipart_form()
    {
        using var client = factory.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/api/v1/imports/{id}/errors\"", document);
        Assert.Contains("multipart/form-data", document);
    }

    [Fact]
    public async Task Two_replicas_share_the_queue_and_every_job_is_claimed_once()
    {
        using var second = factory.WithWebHostBuilder(b => b.UseSetting("Imports:PollInterval", "00:00:00.2"));
        var here = await ImportApi.RegisterAsync(factory, "Replicas");
        var there = here.On(second.CreateClient());
        var jobs = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var csv = ImportApi.Csv("firstName,email", Enumerable.Range(0, 300).Select(r => $"P{r},p{r}.job{i}@replicas.test"));
            jobs.Add(ImportApi.Id(await (i % 2 == 0 ? here : there).StartAsync(csv)));
        }

        foreach (var id in jobs)
        {
            var job = (await here.WaitAsync(id))[^1];
            Assert.Equal("completed", job.GetProperty("status").GetString());
            Assert.Equal(300, ImportApi.Count(job, "rowsCreated"));
        }
        // A second claim of a job would have counted a second attempt.
        await using var attempts = factory.Database.DataSource.CreateCommand("SELECT array_agg(DISTINCT attempts) FROM import_jobs WHERE id = ANY($1)");
        attempts.Parameters.AddWithValue(jobs.ToArray());
        var distinctAttempts = (int[])(await attempts.ExecuteScalarAsync())!;
        Assert.Equal([1], distinctAttempts);
        using var list = await here.Contacts.SendAsync(HttpMethod.Get, "/?includeTotal=true&limit=1");
        Assert.Equal(1800, (await here.Contacts.ReadAsync(list)).GetProperty("total").GetInt64());
    }
}
