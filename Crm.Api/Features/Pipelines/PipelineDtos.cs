using System.Text.Json.Serialization;
using Crm.Domain.Pipelines;

namespace Crm.Api.Features.Pipelines;

/// <summary>The fields a client writes (POST body, batch item, PATCH merge patch target). Unknown members are refused.</summary>
public record PipelineInput
{
    /// <summary>Unique (case-insensitively) among the workspace's live pipelines.</summary>
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    public PipelineType PipelineType { get; init; } = PipelineType.Sales;

    /// <summary>The pipeline of deals created without one; at most one live pipeline is the default (409 otherwise).</summary>
    public bool IsDefault { get; init; }

    /// <summary>An inactive pipeline takes no new deals.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>Days without activity after which an open deal rots; null: never.</summary>
    public int? RottingDays { get; init; }

    /// <summary>ISO 4217 code: the currency of deals created in this pipeline without one.</summary>
    public string Currency { get; init; } = "USD";

    public int DisplayOrder { get; init; }
}

/// <summary>A pipeline as the API returns it (its stages: <c>GET /api/v1/pipelines/{id}/stages</c>).</summary>
public sealed record PipelineResponse : PipelineInput
{
    [JsonConstructor]
    public PipelineResponse()
    {
    }

    public PipelineResponse(PipelineInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The body of <c>POST /api/v1/pipelines/batch</c>.</summary>
public sealed record PipelineBatchRequest(IReadOnlyList<PipelineInput> Items);

/// <summary>What a batch created, in the order of the request's items.</summary>
public sealed record PipelineBatchResponse(IReadOnlyList<PipelineResponse> Data);

/// <summary>The fields of a stage a client writes (POST body, PATCH merge patch target).</summary>
public record StageInput
{
    /// <summary>Unique (case-insensitively) among the pipeline's live stages.</summary>
    public string Name { get; init; } = "";

    public string? Description { get; init; }

    /// <summary>1-based place in the pipeline; the stages from there on move one down. On create, null: last.</summary>
    public int? Position { get; init; }

    /// <summary>A deal entering a won or lost stage is closed with that status.</summary>
    public StageKind Kind { get; init; } = StageKind.Open;

    /// <summary>0-100: the probability of a deal entering the stage.</summary>
    public int DefaultProbability { get; init; }

    /// <summary>Overrides the pipeline's rottingDays; null: the pipeline's.</summary>
    public int? RottingDays { get; init; }

    /// <summary>At most this many deals in the stage (moves beyond it answer 409); null: no limit.</summary>
    public int? WipLimit { get; init; }

    /// <summary>Deal fields (API names) a deal must have set to enter the stage.</summary>
    public IReadOnlyList<string> RequiredFields { get; init; } = [];

    /// <summary>#RRGGBB.</summary>
    public string Color { get; init; } = "#808080";
}

/// <summary>A stage as the API returns it.</summary>
public sealed record StageResponse : StageInput
{
    [JsonConstructor]
    public StageResponse()
    {
    }

    public StageResponse(StageInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-2)]
    public required Guid Id { get; init; }

    [JsonPropertyOrder(-1)]
    public required Guid PipelineId { get; init; }

    public Guid? CreatedBy { get; init; }

    public Guid? UpdatedBy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A pipeline's live stages, in order.</summary>
public sealed record StageList(IReadOnlyList<StageResponse> Data);
