using Crm.Api.Infrastructure.Resources;

namespace Crm.Api.Features.Leads;

/// <summary>Checks the ids a lead input names: only its owner, as for every record (<see cref="ResourceRequests.CheckOwnersAsync"/>).</summary>
internal static class LeadReferences
{
    public static Task CheckAsync(
        ResourceServices services, IReadOnlyList<(LeadInput Input, string Prefix, Guid Id)> items, Dictionary<string, string[]> errors,
        CancellationToken cancellationToken) =>
        ResourceRequests.CheckOwnersAsync(services.Db, services.Caller, [.. items.Select(i => (i.Input.OwnerId, i.Prefix))], errors, cancellationToken);
}
