using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.ServiceDefaults.Clients;

/// <summary>
/// The optional <c>ConnectionStrings:ai</c>: an OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1, Ollama's /v1) as
/// <c>Endpoint=https://...;Key=...;Model=...;EmbeddingModel=...</c>. Without it the AI features use local models.
/// </summary>
public sealed record AiConnection(Uri? Endpoint, string? Key, string? Model, string? EmbeddingModel)
{
    public static AiConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;

        Uri? endpoint = null;
        if (Get("Endpoint") is { } endpointText && !Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint))
        {
            throw new InvalidOperationException($"Connection string 'ai' has an invalid Endpoint '{endpointText}'.");
        }
        if (endpoint is null && Get("Key") is null)
        {
            throw new InvalidOperationException("Connection string 'ai' needs an Endpoint, a Key, or both.");
        }
        return new AiConnection(endpoint, Get("Key"), Get("Model"), Get("EmbeddingModel"));
    }
}

public static class AiRegistration
{
    /// <summary>Registers <see cref="AiConnection"/> when <c>ConnectionStrings:ai</c> is set; returns whether it is.</summary>
    public static bool AddCrmAiConnection(this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Ai)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }
        builder.Services.AddSingleton(AiConnection.Parse(connectionString));
        return true;
    }
}
