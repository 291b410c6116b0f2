using System.Text.Json;
using Crm.Domain;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.AiWorker.Features.Models;

/// <summary>
/// The ai_models rows of the trained models (lead scoring, deal win): versions counted per workspace and type, a new
/// deployment retiring the old one in the same transaction, so that there is never more than one deployed model per
/// type (the unique index ai_models_one_deployed) nor a moment with none.
/// </summary>
public static class AiModelRegistry
{
    public static async Task<int> NextVersionAsync(CrmDbContext db, AiModelType type, CancellationToken cancellationToken) =>
        1 + (await db.AiModels.Where(m => m.ModelType == type).MaxAsync(m => (int?)m.Version, cancellationToken) ?? 0);

    /// <summary>Adds <paramref name="model"/>; when it is deployed, retires <paramref name="replaced"/> first.</summary>
    public static async Task AddAsync(CrmDbContext db, AiModel model, Guid? replaced, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (model.Status == AiModelStatus.Deployed && replaced is { } replacedId)
        {
            var retired = await db.AiModels.FirstAsync(m => m.Id == replacedId, cancellationToken);
            retired.Status = AiModelStatus.Retired;
            retired.RetiredAt = now;
            await db.SaveChangesAsync(cancellationToken); // Before the new one: one deployed model per workspace and type.
        }
        db.AiModels.Add(model);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The held-out AUC stored with a model (0.5, a coin toss, when it has none).</summary>
    public static double AucOf(AiModel model)
    {
        using var metrics = JsonDocument.Parse(model.Metrics);
        return metrics.RootElement.TryGetProperty("auc", out var value) ? value.GetDouble() : 0.5;
    }
}
