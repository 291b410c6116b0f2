using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Concurrency;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Workspaces;

/// <summary>
/// <c>/api/v1/workspace</c> (docs/api.md, "Workspace"): the caller's current workspace. Every member reads it; owners and
/// admins (<c>workspace.manage</c>) change its name, logo, time zone, currency, locale and settings with a merge patch
/// and If-Match. Plan, subscription, features and limits belong to billing and are read-only here.
/// </summary>
public static partial class WorkspaceEndpoints
{
    public const string EntityType = "workspace";

    /// <summary>The settings key the demo seeder marks its workspace with; changing it would make the seeder fill the workspace again.</summary>
    private const string DemoMarker = "demo";

    private const int MaxSettingsLength = 64 * 1024;

    public static IEndpointRouteBuilder MapWorkspaceEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/workspace").WithTags("Workspace").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        group.MapGet("/", GetAsync)
            .WithName("GetWorkspace")
            .WithSummary("Get the current workspace")
            .WithDescription("Its name, slug, plan, locale, time zone, currency, settings, features and limits; answers its ETag, for If-Match on PATCH.")
            .Produces<WorkspaceResponse>();

        group.MapPatch("/", PatchAsync)
            .WithName("PatchWorkspace")
            .WithSummary("Change the current workspace (JSON merge patch; owners and admins)")
            .WithDescription("name, logoUrl, timezone (IANA), currency (ISO 4217), locale (BCP 47) and settings (a JSON object, merged). Requires If-Match.")
            .Accepts<WorkspaceInput>(MergePatchRequest.MediaType, "application/json")
            .Produces<WorkspaceResponse>()
            .ProducesPatchProblems();

        return routes;
    }

    private static async Task<IResult> GetAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var workspace = await services.Db.Workspaces.AsNoTracking().SingleAsync(w => w.Id == services.Db.Session.WorkspaceId, cancellationToken);
        services.HttpContext.Response.SetETag(workspace.Version);
        return TypedResults.Ok(ToResponse(workspace));
    }

    private static async Task<IResult> PatchAsync([AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        if (!services.Caller.Has(Permission.WorkspaceManage))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "Changing the workspace needs the permission workspace.manage (owners and admins).");
        }
        var workspace = await services.Db.Workspaces.SingleAsync(w => w.Id == services.Db.Session.WorkspaceId, cancellationToken);
        var request = services.HttpContext.Request;
        if (ETags.PreconditionProblem(request, workspace.Version) is { } precondition)
        {
            return precondition;
        }
        var before = ToInput(workspace);
        var patched = await MergePatchRequest.ReadAsync(request, before, cancellationToken);
        if (patched.Problem is { } problem)
        {
            return problem;
        }
        var errors = new Dictionary<string, string[]>();
        var input = Validate(patched.Value!, before, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var audit = services.Audit;
        if (audit.Updated(EntityType, workspace.Id, audit.Snapshot(before), audit.Snapshot(input)))
        {
            workspace.Name = input.Name!;
            workspace.LogoUrl = input.LogoUrl;
            workspace.Timezone = input.Timezone!;
            workspace.Currency = input.Currency!;
            workspace.Locale = input.Locale!;
            workspace.Settings = input.Settings.ToJsonString();
            workspace.UpdatedAt = services.Now;
            if (ETags.TryParseVersion(request, out var expected))
            {
                services.Db.Entry(workspace).ExpectVersion(expected);
            }
            if (await ResourceRequests.SaveAsync(services.Db, [], cancellationToken) is { } failed)
            {
                return failed.Result;
            }
        }
        services.HttpContext.Response.SetETag(workspace.Version);
        return TypedResults.Ok(ToResponse(workspace));
    }

    private static WorkspaceInput Validate(WorkspaceInput input, WorkspaceInput before, Dictionary<string, string[]> errors)
    {
        void Fail(string field, string message) => errors[field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            LogoUrl = Clean(input.LogoUrl),
            Timezone = Clean(input.Timezone),
            Currency = Clean(input.Currency)?.ToUpperInvariant(),
            Locale = Clean(input.Locale),
        };
        if (normalized.Name is null)
        {
            Fail("name", "Give the workspace a name.");
        }
        if (normalized.Timezone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(normalized.Timezone, out _))
        {
            Fail("timezone", "Give an IANA time zone, such as Europe/Berlin or UTC.");
        }
        if (normalized.Currency is null || !CurrencyFormat().IsMatch(normalized.Currency))
        {
            Fail("currency", "Give a three-letter ISO 4217 code, such as EUR.");
        }
        if (normalized.Locale is null || !LocaleFormat().IsMatch(normalized.Locale))
        {
            Fail("locale", "Give a BCP 47 language tag, such as en-US or de-DE.");
        }
        if (!JsonNode.DeepEquals(normalized.Settings[DemoMarker], before.Settings[DemoMarker]))
        {
            Fail($"settings.{DemoMarker}", "Set by the demo workspace's seeder; it cannot be changed.");
        }
        if (normalized.Settings.ToJsonString().Length > MaxSettingsLength)
        {
            Fail("settings", $"At most {MaxSettingsLength / 1024} KB of JSON.");
        }
        CheckUrls([("logoUrl", normalized.LogoUrl)], Fail);
        CheckLengths([("name", normalized.Name, 255), ("timezone", normalized.Timezone, 64), ("locale", normalized.Locale, 16)], Fail);
        return normalized;
    }

    private static WorkspaceInput ToInput(Workspace w) => new()
    {
        Name = w.Name, LogoUrl = w.LogoUrl, Timezone = w.Timezone, Currency = w.Currency, Locale = w.Locale,
        Settings = JsonNode.Parse(w.Settings)!.AsObject(),
    };

    private static WorkspaceResponse ToResponse(Workspace w) => new(ToInput(w))
    {
        Id = w.Id,
        Slug = w.Slug,
        Plan = w.Plan,
        SubscriptionStatus = w.SubscriptionStatus,
        TrialEndsAt = w.TrialEndsAt,
        Features = JsonNode.Parse(w.Features)!.AsObject(),
        Limits = JsonNode.Parse(w.Limits)!.AsObject(),
        UsageMetrics = JsonNode.Parse(w.UsageMetrics)!.AsObject(),
        CreatedAt = w.CreatedAt,
        UpdatedAt = w.UpdatedAt,
    };

    [GeneratedRegex("^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")]
    private static partial Regex LocaleFormat();
}
