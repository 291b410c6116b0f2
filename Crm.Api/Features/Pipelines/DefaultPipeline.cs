using Crm.Domain.Pipelines;

namespace Crm.Api.Features.Pipelines;

/// <summary>
/// The pipeline every workspace starts with (made at registration, <see cref="Auth.NewWorkspaces"/>): "Sales", the
/// workspace's default, with seed 004's seven lead_stages in their order. The open stages' probabilities rise with the
/// stage; a won stage is 100, a lost one 0. The demo workspace's deals are spread over these stages.
/// </summary>
internal static class DefaultPipeline
{
    public const string Name = "Sales";

    public static readonly IReadOnlyList<DefaultStage> Stages =
    [
        new("New", "Recently added leads", StageKind.Open, 10, "#90A4AE"),
        new("Contacted", "Initial contact made", StageKind.Open, 20, "#42A5F5"),
        new("Qualified", "Lead meets criteria and is interested", StageKind.Open, 40, "#26C6DA"),
        new("Proposal", "Proposal or quote sent", StageKind.Open, 60, "#FFA726"),
        new("Negotiation", "In negotiation phase", StageKind.Open, 80, "#AB47BC"),
        new("Closed Won", "Successfully converted to customer", StageKind.Won, 100, "#66BB6A"),
        new("Closed Lost", "Opportunity lost", StageKind.Lost, 0, "#EF5350"),
    ];

    /// <summary>The pipeline and its stages (positions 1 to 7) for a new workspace, made by <paramref name="userId"/>.</summary>
    public static (Pipeline Pipeline, IReadOnlyList<PipelineStage> Stages) For(Guid workspaceId, Guid userId, string currency)
    {
        var pipeline = new Pipeline
        {
            WorkspaceId = workspaceId,
            Name = Name,
            PipelineType = PipelineType.Sales,
            IsDefault = true,
            Currency = currency,
            CreatedBy = userId,
            UpdatedBy = userId,
        };
        var stages = Stages.Select((stage, index) => new PipelineStage
        {
            WorkspaceId = workspaceId,
            PipelineId = pipeline.Id,
            Name = stage.Name,
            Description = stage.Description,
            Position = index + 1,
            Kind = stage.Kind,
            DefaultProbability = stage.Probability,
            Color = stage.Color,
            CreatedBy = userId,
            UpdatedBy = userId,
        }).ToList();
        return (pipeline, stages);
    }
}

/// <summary>A stage of <see cref="DefaultPipeline"/>: its name, description, kind, default probability and board color.</summary>
internal sealed record DefaultStage(string Name, string Description, StageKind Kind, int Probability, string Color);
