using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AiWorker.Features.Embeddings;
using Crm.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.AiWorker.Tests.Embeddings;

/// <summary>
/// POST /embeddings, as Crm.Api calls it for semantic search: the real local model puts paraphrases closer than
/// unrelated texts; the endpoint answers only the app's services and refuses an empty text.
/// </summary>
public sealed class EmbeddingEndpointTests(AiWorkerFactory worker) : IClassFixture<AiWorkerFactory>
{
    [Fact]
    public async Task Paraphrases_embed_closer_to_each_other_than_to_an_unrelated_text()
    {
        var client = worker.CreateServiceClient();

        var unpaid = await EmbedAsync(client, "customer has not paid the invoice");
        var overdue = await EmbedAsync(client, "overdue payment on the bill");
        var kitten = await EmbedAsync(client, "a kitten sleeping on the carpet");

        Assert.All(new[] { unpaid, overdue, kitten }, e =>
        {
            Assert.Equal("sif-glove-100d", e.Model);
            Assert.Equal(100, e.Dimensions);
            Assert.Equal(100, e.Vector.Length);
        });
        var paraphrase = Cosine(unpaid.Vector, overdue.Vector);
        Assert.True(paraphrase > Cosine(unpaid.Vector, kitten.Vector) && paraphrase > Cosine(overdue.Vector, kitten.Vector),
            $"paraphrases {paraphrase:F3}, unpaid-kitten {Cosine(unpaid.Vector, kitten.Vector):F3}, overdue-kitten {Cosine(overdue.Vector, kitten.Vector):F3}");

        // The same text gives the same vector (Crm.Api compares query vectors with stored ones).
        Assert.Equal(unpaid.Vector, (await EmbedAsync(client, "customer has not paid the invoice")).Vector);
    }

    [Fact]
    public async Task Without_the_service_key_the_endpoint_answers_401()
    {
        using var anonymous = await worker.CreateClient().PostAsJsonAsync("/embeddings", new { text = "overdue payment" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var wrong = worker.CreateClient();
        wrong.DefaultRequestHeaders.Add(ServiceKey.Ai.HeaderName, new string('0', 64));
        using var wrongKey = await wrong.PostAsJsonAsync("/embeddings", new { text = "overdue payment" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);

        // Another service's key opens no other service.
        var search = worker.CreateClient();
        search.DefaultRequestHeaders.Add(ServiceKey.Ai.HeaderName, ServiceKey.Search.From(worker.Services.GetRequiredService<IConfiguration>()));
        using var searchKey = await search.PostAsJsonAsync("/embeddings", new { text = "overdue payment" });
        Assert.Equal(HttpStatusCode.Unauthorized, searchKey.StatusCode);
    }

    [Theory]
    [InlineData("{\"text\":\"\"}")]
    [InlineData("{\"text\":\"   \"}")]
    [InlineData("{}")]
    public async Task An_empty_text_is_a_400_problem(string body)
    {
        using var response = await worker.CreateServiceClient().PostAsync("/embeddings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty("text", out _), problem.ToString());
    }

    [Fact]
    public async Task A_text_longer_than_the_limit_is_a_400_problem()
    {
        using var response = await worker.CreateServiceClient().PostAsJsonAsync("/embeddings", new { text = new string('a', EmbeddingEndpoints.MaxTextLength + 1) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<EmbedResponse> EmbedAsync(HttpClient client, string text)
    {
        using var response = await client.PostAsJsonAsync("/embeddings", new { text });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<EmbedResponse>())!;
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }
}
