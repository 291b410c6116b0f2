using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Companies;
using Crm.Api.Tests.Contacts;

namespace Crm.Api.Tests.Imports;

/// <summary>A signed-in caller of /api/v1/imports (and, through <see cref="Contacts"/>, of the contacts and companies APIs).</summary>
internal sealed class ImportApi(ContactApi contacts)
{
    /// <summary>A safety net only: a job of a few thousand rows takes seconds.</summary>
    private static readonly TimeSpan WaitLimit = TimeSpan.FromMinutes(3);

    private readonly CompanyApi _imports = contacts.Companies.WithResource("/api/v1/imports");

    public ContactApi Contacts { get; } = contacts;

    public CompanyApi Companies => Contacts.Companies;

    public Guid UserId => Contacts.UserId;

    public static async Task<ImportApi> RegisterAsync(ApiFactory factory, string workspaceName = "Importers") =>
        new(await ContactApi.RegisterAsync(factory, workspaceName));

    /// <summary>Registers on a given host of the API (one built with other import settings, say).</summary>
    public static async Task<ImportApi> RegisterAsync(HttpClient client, string workspaceName)
    {
        var tokens = await AuthApi.RegisterAsync(client, AuthApi.NewEmail(), workspaceName);
        var me = await AuthApi.MeAsync(client, tokens.AccessToken);
        return new(new ContactApi(new CompanyApi(client, tokens.AccessToken, me.UserId, tokens.Workspace.Id)));
    }

    public static async Task<ImportApi> JoinAsync(ApiFactory factory, ImportApi owner, string role, string scope) =>
        new(await ContactApi.JoinAsync(factory, owner.Contacts, role, scope));

    /// <summary>The same caller on another host of the API (a second replica over the same database).</summary>
    public ImportApi On(HttpClient client) => new(new ContactApi(Companies.WithClient(client)));

    /// <summary>POSTs a multipart upload; the file part gets <paramref name="fileContentType"/> unless null.</summary>
    public Task<HttpResponseMessage> UploadAsync(
        string csv, string? objectType = "contacts", string? mapping = null, string? dedupe = null, string fileName = "people.csv",
        string? fileContentType = "text/csv", string? idempotencyKey = null) =>
        UploadAsync(Encoding.UTF8.GetBytes(csv), objectType, mapping, dedupe, fileName, fileContentType, idempotencyKey);

    public Task<HttpResponseMessage> UploadAsync(
        byte[] file, string? objectType = "contacts", string? mapping = null, string? dedupe = null, string fileName = "people.csv",
        string? fileContentType = "text/csv", string? idempotencyKey = null)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        if (fileContentType is not null)
        {
            part.Headers.ContentType = new MediaTypeHeaderValue(fileContentType);
        }
        form.Add(part, "file", fileName);
        foreach (var (name, value) in new[] { ("objectType", objectType), ("mapping", mapping), ("dedupe", dedupe) })
        {
            if (value is not null)
            {
                form.Add(new StringContent(value), name);
            }
        }
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = form };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Companies.SendAsync(request);
    }

    /// <summary>Uploads (202, with the job's Location) and answers the queued job.</summary>
    public async Task<JsonElement> StartAsync(string csv, string objectType = "contacts", string? mapping = null, string? dedupe = null)
    {
        using var response = await UploadAsync(csv, objectType, mapping, dedupe);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        var job = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal($"/api/v1/imports/{job.GetProperty("id").GetGuid()}", response.Headers.Location?.OriginalString);
        return job;
    }

    /// <summary>Uploads and waits for the job to end; answers the ended job.</summary>
    public async Task<JsonElement> ImportAsync(string csv, string objectType = "contacts", string? mapping = null, string? dedupe = null) =>
        (await WaitAsync(Id(await StartAsync(csv, objectType, mapping, dedupe)))).Last();

    /// <summary>Polls the job until it has ended (completed, failed or cancelled); answers every state it was seen in.</summary>
    public async Task<List<JsonElement>> WaitAsync(Guid id)
    {
        var seen = new List<JsonElement>();
        using var limit = new CancellationTokenSource(WaitLimit);
        while (true)
        {
            var job = await GetAsync(id);
            seen.Add(job);
            if (job.GetProperty("status").GetString() is "completed" or "failed" or "cancelled")
            {
                return seen;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), limit.Token);
        }
    }

    public async Task<JsonElement> GetAsync(Guid id)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/{id}");
        return await Companies.ReadAsync(response);
    }

    /// <summary>Every entry of the job's error report, page after page.</summary>
    public async Task<List<JsonElement>> ErrorsAsync(Guid id, string filter = "")
    {
        var errors = new List<JsonElement>();
        string? cursor = null;
        do
        {
            using var response = await SendAsync(HttpMethod.Get, $"/{id}/errors?limit=200{filter}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var page = await Companies.ReadAsync(response);
            errors.AddRange(page.GetProperty("data").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return errors;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path) => _imports.SendAsync(method, path);

    public static Guid Id(JsonElement job) => job.GetProperty("id").GetGuid();

    public static int Count(JsonElement job, string name) => job.GetProperty(name).GetInt32();

    /// <summary>A CSV file: the header and the rows, CRLF after each.</summary>
    public static string Csv(string header, IEnumerable<string> rows) => string.Concat(new[] { header }.Concat(rows).Select(line => line + "\r\n"));

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();
}
