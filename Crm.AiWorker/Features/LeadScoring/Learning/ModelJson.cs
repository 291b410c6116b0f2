using System.Text.Json;

namespace Crm.AiWorker.Features.LeadScoring.Learning;

/// <summary>
/// Stores and loads an <see cref="IClassifierModel"/> as JSON (for a jsonb column). PostgreSQL's jsonb reorders object
/// keys (shorter first), so the <c>kind</c> discriminator may come back after the other properties: these options
/// accept that. Doubles are written in their shortest round-trip form, so a loaded model predicts exactly as the saved one.
/// </summary>
public static class ModelJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(IClassifierModel model) => JsonSerializer.Serialize(model, Options);

    public static IClassifierModel Deserialize(string json) =>
        JsonSerializer.Deserialize<IClassifierModel>(json, Options) ?? throw new JsonException("The stored model is null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowOutOfOrderMetadataProperties = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
