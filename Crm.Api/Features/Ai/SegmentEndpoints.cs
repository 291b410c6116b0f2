using System.Text.Json.Nodes;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Infrastructure.Access;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>
/// A customer segment as the AI worker last refreshed it: an RFM segment (<c>type</c> "rfm", key "champions") or a
/// k-means behaviour cluster ("behavioral", key "cluster-0"), with its aggregates over its members. <c>Criteria</c> is
/// what puts a customer in it (RFM score ranges, or a cluster's centroid in original units) and <c>Insights</c> the
/// numbers behind it (share of customers, silhouette per k).
/// </summary>
public sealed record SegmentResponse(
    Guid Id, SegmentType Type, string Key, string Name, string? Description, JsonNode Criteria, string? CriteriaDescription,
    int CustomerCount, decimal TotalDealValue, decimal AvgDealValue, decimal ConversionRate, decimal RiskScore, decimal OpportunityScore,
    JsonNode Insights, bool IsActive, DateTimeOffset RefreshedAt);

/// <summary>A customer of a segment: a company or a contact, its name, its scores and the features it was segmented by.</summary>
public sealed record SegmentMemberResponse(
    string EntityType, Guid EntityId, string DisplayName, decimal ChurnRisk, decimal OpportunityScore, JsonNode Features, DateTimeOffset AssignedAt);

/// <summary>
/// <c>GET /api/v1/segments</c>, <c>GET /api/v1/segments/{id}</c> and <c>GET /api/v1/segments/{id}/members</c>
/// (docs/api.md, "AI"). Segments are the workspace's, computed over all its customers; the members a caller is shown
/// are only those within their record scope, so a sales rep limited to their own records sees their own customers of
/// "At risk", not everyone's (the segment's aggregates stay the workspace's).
/// </summary>
public static class SegmentEndpoints
{
    // The worker's RFM segment keys in the map's order, best first.
    private static readonly string[] RfmKeys =
    [
        "champions", "loyal", "potential_loyalists", "new_customers", "promising", "need_attention", "about_to_sleep", "at_risk",
        "cant_lose_them", "hibernating", "lost",
    ];

    private const string ClusterPrefix = "cluster-";

    private static readonly ListingSchema<CustomerSegmentMember> Members =
        new ListingSchema<CustomerSegmentMember>("segment-members", m => m.EntityId)
            .Field("entityType", m => m.EntityType, filterable: true)
            .Field("churnRisk", m => m.ChurnRisk, sortable: true, filterable: true)
            .Field("opportunityScore", m => m.OpportunityScore, sortable: true, filterable: true)
            .DefaultSort("-opportunityScore");

    public static IEndpointRouteBuilder MapSegmentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/segments").WithTags("AI").RequireAuthorization().RequireCurrentMembership()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/", ListAsync)
            .WithName("ListSegments")
            .WithSummary("The workspace's active customer segments with their aggregates")
            .WithDescription("RFM segments first (best first), then behaviour clusters (largest first); type=rfm or type=behavioral for one kind.")
            .Produces<ListPage<SegmentResponse>>()
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync)
            .WithName("GetSegment")
            .WithSummary("One customer segment, active or not")
            .Produces<SegmentResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/members", MembersAsync)
            .WithName("ListSegmentMembers")
            .WithSummary("The customers of a segment that the caller may see")
            .WithDescription("Highest opportunity first; limit and cursor as in every list, sort by churnRisk or opportunityScore, " +
                             "filter[entityType]=company|contact.")
            .Produces<ListPage<SegmentMemberResponse>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<IResult> ListAsync(string? type, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var segments = services.Db.CustomerSegments.AsNoTracking().Where(s => s.IsActive);
        if (type is not null)
        {
            if (!TryParseType(type, out var segmentType))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["type"] = [$"'{type}' is not a segment type; use rfm or behavioral."] },
                    title: "The list parameters are not valid.");
            }
            segments = segments.Where(s => s.SegmentType == segmentType);
        }
        var rows = await segments.ToListAsync(cancellationToken);
        // RFM keys sort by the map's order (best first), clusters by their canonical number (largest first).
        var ordered = rows.OrderBy(s => s.SegmentType).ThenBy(Rank).ThenBy(s => s.Key, StringComparer.Ordinal).Select(ToResponse).ToList();
        return TypedResults.Ok(new ListPage<SegmentResponse>(ordered, null, false));
    }

    private static async Task<IResult> GetAsync(Guid id, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var segment = await services.Db.CustomerSegments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return segment is null ? ResourceRequests.NotFound("segment") : TypedResults.Ok(ToResponse(segment));
    }

    private static async Task<IResult> MembersAsync(
        Guid id, ListQuery query, [AsParameters] ResourceServices services, CancellationToken cancellationToken)
    {
        var plan = Members.Plan(query);
        if (!plan.IsValid)
        {
            return TypedResults.ValidationProblem(plan.Errors, title: "The list parameters are not valid.");
        }
        var db = services.Db;
        if (!await db.CustomerSegments.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return ResourceRequests.NotFound("segment");
        }

        var companies = CompanyEndpoints.Resource.Visible(services).Select(c => c.Id);
        var contacts = ContactEndpoints.Resource.Visible(services).Select(c => c.Id);
        var members = db.CustomerSegmentMembers.AsNoTracking().Where(m => m.SegmentId == id &&
            ((m.EntityType == CompanyEndpoints.EntityType && companies.Contains(m.EntityId)) ||
             (m.EntityType == ContactEndpoints.EntityType && contacts.Contains(m.EntityId))));
        var rows = await plan.ApplyPage(members).ToListAsync(cancellationToken);

        var companyIds = rows.Where(m => m.EntityType == CompanyEndpoints.EntityType).Select(m => m.EntityId).ToList();
        var contactIds = rows.Where(m => m.EntityType == ContactEndpoints.EntityType).Select(m => m.EntityId).ToList();
        var names = new Dictionary<Guid, string>();
        if (companyIds.Count > 0)
        {
            foreach (var company in await db.Companies.AsNoTracking().Where(c => companyIds.Contains(c.Id))
                         .Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
            {
                names[company.Id] = company.Name;
            }
        }
        if (contactIds.Count > 0)
        {
            foreach (var contact in await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id))
                         .Select(c => new { c.Id, c.FirstName, c.LastName, c.Email }).ToListAsync(cancellationToken))
            {
                var name = $"{contact.FirstName} {contact.LastName}".Trim();
                names[contact.Id] = name.Length > 0 ? name : contact.Email ?? "(no name)";
            }
        }
        return TypedResults.Ok(plan.ToPage(rows, m => new SegmentMemberResponse(
            m.EntityType, m.EntityId, names.GetValueOrDefault(m.EntityId, "(no name)"), m.ChurnRisk, m.OpportunityScore,
            JsonNode.Parse(m.Features)!, m.AssignedAt)));
    }

    private static bool TryParseType(string text, out SegmentType type)
    {
        (var known, type) = text switch
        {
            "rfm" => (true, SegmentType.Rfm),
            "behavioral" => (true, SegmentType.Behavioral),
            _ => (false, default),
        };
        return known;
    }

    private static int Rank(CustomerSegment segment) => segment.SegmentType == SegmentType.Rfm
        ? Array.IndexOf(RfmKeys, segment.Key) is var index and >= 0 ? index : RfmKeys.Length
        : segment.Key.StartsWith(ClusterPrefix, StringComparison.Ordinal) && int.TryParse(segment.Key.AsSpan(ClusterPrefix.Length), out var number)
            ? number
            : int.MaxValue;

    private static SegmentResponse ToResponse(CustomerSegment s) => new(
        s.Id, s.SegmentType, s.Key, s.Name, s.Description, JsonNode.Parse(s.Criteria)!, s.CriteriaDescription, s.CustomerCount,
        s.TotalDealValue, s.AvgDealValue, s.ConversionRate, s.RiskScore, s.OpportunityScore, JsonNode.Parse(s.Insights)!, s.IsActive,
        s.RefreshedAt);
}
