using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Workspaces;

/// <summary>What an owner or admin changes about the workspace (the document a PATCH merge patch applies to).</summary>
public record WorkspaceInput
{
    public string? Name { get; init; }

    public string? LogoUrl { get; init; }

    /// <summary>An IANA time zone (Europe/Berlin).</summary>
    public string? Timezone { get; init; }

    /// <summary>ISO 4217, the default currency of new deals, products and pipelines.</summary>
    public string? Currency { get; init; }

    /// <summary>A BCP 47 tag (en-US, de-DE).</summary>
    public string? Locale { get; init; }

    /// <summary>Free-form preferences of the workspace, a JSON object; the demo's marker (<c>demo</c>) is the seeder's.</summary>
    public JsonObject Settings { get; init; } = [];
}

/// <summary>The workspace as the API returns it: what a PATCH changes, and what billing sets (plan, features, limits).</summary>
public sealed record WorkspaceResponse : WorkspaceInput
{
    [JsonConstructor]
    public WorkspaceResponse()
    {
    }

    public WorkspaceResponse(WorkspaceInput fields)
        : base(fields)
    {
    }

    [JsonPropertyOrder(-1)]
    public required Guid Id { get; init; }

    public required string Slug { get; init; }

    public WorkspacePlan Plan { get; init; }

    public SubscriptionStatus SubscriptionStatus { get; init; }

    public DateTimeOffset? TrialEndsAt { get; init; }

    public JsonObject Features { get; init; } = [];

    public JsonObject Limits { get; init; } = [];

    public JsonObject UsageMetrics { get; init; } = [];

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
