using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.AiWorker.Tests.Providers;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers as OpenAI's API does, for <c>POST /v1/embeddings</c> and
/// <c>POST /v1/chat/completions</c>. Each embedding is <see cref="VectorOf"/> its text, so tests know what to expect;
/// every request is recorded; a wrong or missing bearer key gets OpenAI's 401.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Key = "sk-test-key";
    public const int Dimensions = 4;
    public const string Reply = "Acme renewed for 12,000 EUR on 3 March; next step: a call on 10 March.";
    public const int PromptTokens = 1200;
    public const int CompletionTokens = 300;

    private readonly WebApplication _app;
    private int _failuresLeft;
    private int _failureStatus;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    public record ReceivedRequest(string Path, string? Authorization, JsonElement Body);

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>The base address a client is given: <c>http://127.0.0.1:{port}/v1</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>What chat completions answer; <see cref="Reply"/> unless a test sets another.</summary>
    public string ChatReply { get; set; } = Reply;

    /// <summary>When not null, the key the server expects; null accepts any (as Ollama does).</summary>
    public string? ExpectedKey { get; set; } = Key;

    /// <summary>The embedding of <paramref name="text"/> at position <paramref name="index"/> of its batch.</summary>
    public static float[] VectorOf(string text, int index) => [text.Length, index, 0.25f, -1.5f];

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/embeddings", (Delegate)server.EmbeddingsAsync);
        app.MapPost("/v1/chat/completions", (Delegate)server.ChatAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Endpoint = new Uri(address + "/v1");
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests answer <paramref name="status"/> with an OpenAI error body.</summary>
    public void FailNext(int status, int count = int.MaxValue)
    {
        _failureStatus = status;
        _failuresLeft = count;
    }

    /// <summary>Ends the failures of <see cref="FailNext"/>: the next requests are answered normally again.</summary>
    public void Recover() => Interlocked.Exchange(ref _failuresLeft, 0);

    private async Task<IResult> EmbeddingsAsync(HttpContext context)
    {
        var (body, refusal) = await ReceiveAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }
        var inputs = body.GetProperty("input") is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(item => item.GetString()!).ToArray()
            : [body.GetProperty("input").GetString()!];
        // The OpenAI SDK asks for base64 (little-endian float32) to save bandwidth; plain JSON arrays otherwise.
        var base64 = body.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
        var data = new JsonArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var vector = VectorOf(inputs[i], i);
            JsonNode embedding = base64
                ? Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray())
                : new JsonArray([.. vector.Select(x => (JsonNode)x)]);
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }
        var tokens = inputs.Sum(input => input.Length);
        return Results.Json(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body.GetProperty("model").GetString(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
    }

    private async Task<IResult> ChatAsync(HttpContext context)
    {
        var (body, refusal) = await ReceiveAsync(context);
        if (refusal is not null)
        {
            return refusal;
        }
        return Results.Json(new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = 1_767_225_600,
            ["model"] = body.GetProperty("model").GetString(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = ChatReply },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = PromptTokens,
                ["completion_tokens"] = CompletionTokens,
                ["total_tokens"] = PromptTokens + CompletionTokens,
            },
        });
    }

    /// <summary>Records the request; returns the answer instead of the normal one, if it is refused.</summary>
    private async Task<(JsonElement Body, IResult? Refusal)> ReceiveAsync(HttpContext context)
    {
        var body = (await JsonDocument.ParseAsync(context.Request.Body)).RootElement.Clone();
        var authorization = context.Request.Headers.Authorization.ToString();
        Requests.Enqueue(new ReceivedRequest(context.Request.Path, authorization, body));

        if (ExpectedKey is not null && authorization != $"Bearer {ExpectedKey}")
        {
            return (body, Error(StatusCodes.Status401Unauthorized, "invalid_api_key"));
        }
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            // The headers OpenAI sends with a 429: Retry-After in seconds and retry-after-ms.
            context.Response.Headers.RetryAfter = "0";
            context.Response.Headers["retry-after-ms"] = "10";
            return (body, Error(_failureStatus, "server_error"));
        }
        return (body, null);
    }

    private static IResult Error(int status, string code) => Results.Json(
        new JsonObject { ["error"] = new JsonObject { ["message"] = $"fake failure {status}", ["type"] = code, ["code"] = code } },
        statusCode: status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
