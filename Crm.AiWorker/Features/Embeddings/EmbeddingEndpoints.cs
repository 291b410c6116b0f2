using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;

namespace Crm.AiWorker.Features.Embeddings;

/// <summary>A query to embed for semantic search (Crm.Api sends the text a user typed).</summary>
public sealed record EmbedRequest(string? Text);

/// <summary>The query's vector and the model that made it: Crm.Api compares it only with vectors of that model.</summary>
public sealed record EmbedResponse(string Model, int Dimensions, float[] Vector);

public static class EmbeddingEndpoints
{
    public const int MaxTextLength = 2_000;

    /// <summary><c>POST /embeddings</c>: embeds a search query with the model the records were embedded with.</summary>
    public static RouteGroupBuilder MapEmbeddingEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/embeddings", EmbedAsync);
        return group;
    }

    private static async Task<Results<Ok<EmbedResponse>, ValidationProblem, ProblemHttpResult>> EmbedAsync(
        EmbedRequest request, EmbeddingModels models, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxTextLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["text"] = [$"Give a text of 1 to {MaxTextLength} characters."],
            });
        }
        if (await models.ActiveAsync() is not { } model)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No embedding model",
                detail: "The AI worker has no embedding model yet (scripts/setup.sh downloads the local one).");
        }
        var vector = await model.Generator.GenerateVectorAsync(request.Text, cancellationToken: cancellationToken);
        return TypedResults.Ok(new EmbedResponse(model.ModelId, vector.Length, vector.ToArray()));
    }
}
