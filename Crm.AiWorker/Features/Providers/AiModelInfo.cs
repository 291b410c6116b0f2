using Crm.AiWorker.Features.Embeddings;

namespace Crm.AiWorker.Features.Providers;

/// <summary>Which provider and model did a piece of AI work: what an ai_tasks row records next to its result.</summary>
public sealed record AiModelInfo(string Provider, string ModelId)
{
    /// <summary>Any endpoint that speaks the OpenAI wire format: OpenAI, Azure OpenAI's v1 API, Ollama's /v1.</summary>
    public const string OpenAiCompatible = "openai-compatible";

    /// <summary>Models that run inside the worker (the SIF embeddings).</summary>
    public const string Local = "local";

    public static AiModelInfo LocalEmbeddings { get; } = new(Local, SifEmbeddingGenerator.ModelId);
}

/// <summary>
/// The models the worker uses, decided once at start from <c>ConnectionStrings:ai</c>. <see cref="Chat"/> is null
/// when no chat model is configured (there is no local one); embeddings fall back to the local model.
/// </summary>
public sealed record AiModels(AiModelInfo? Chat, AiModelInfo Embeddings)
{
    public static AiModels LocalOnly { get; } = new(null, AiModelInfo.LocalEmbeddings);
}
