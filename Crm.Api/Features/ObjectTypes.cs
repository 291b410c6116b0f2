using System.Collections.Frozen;
using System.Text.Json;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Deals;
using Crm.Api.Features.Leads;
using Crm.Api.Infrastructure.Listing;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain;
using Crm.Domain.Records;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features;

/// <summary>
/// The object types the API serves to tags, custom fields and saved views. A business resource plugs in with one entry
/// here and <c>ObjectType</c> set on its <see cref="ResourceDefinition{TEntity, TInput, TResponse}"/> (which makes the
/// pipeline check its custom fields and offer filter[tag]); the entry gives it the tagging endpoints
/// (<c>/api/v1/{plural}/{id}/tags</c>), custom field definitions and saved views of its type.
/// </summary>
public static class ObjectTypes
{
    public static readonly FrozenDictionary<ObjectType, ObjectTypeEntry> All = new[]
    {
        ObjectTypeEntry.For(CompanyEndpoints.Resource),
        ObjectTypeEntry.For(ContactEndpoints.Resource),
        ObjectTypeEntry.For(DealEndpoints.Resource),
        ObjectTypeEntry.For(LeadEndpoints.Resource),
    }.ToFrozenDictionary(e => e.Type);

    /// <summary>The 400 message for an object type the API does not serve (yet).</summary>
    public static string NotServed(ObjectType type) =>
        $"'{EnumNames.Of(type)}' is not available; use one of: {string.Join(", ", All.Keys.Select(k => EnumNames.Of(k)).Order(StringComparer.Ordinal))}.";
}

/// <summary>What tags, custom fields and saved views need of one object type, taken from its resource definition.</summary>
public sealed class ObjectTypeEntry
{
    private ObjectTypeEntry()
    {
    }

    public required ObjectType Type { get; init; }

    /// <summary>"contact": audit rows and problems.</summary>
    public required string Noun { get; init; }

    /// <summary>"contacts": the resource's route.</summary>
    public required string Plural { get; init; }

    /// <summary>"Contact" and "Contacts": OpenAPI operation names and tags.</summary>
    public required string OperationSingular { get; init; }

    public required string OperationPlural { get; init; }

    /// <summary>The fields of the resource's responses: what a saved view may show as columns.</summary>
    public required FrozenSet<string> Fields { get; init; }

    /// <summary>Whether the caller sees the live record (in their workspace and record scope).</summary>
    public required Func<ResourceServices, Guid, CancellationToken, Task<bool>> IsVisibleAsync { get; init; }

    /// <summary>The errors of a list query of this type (the resource's listing plus filter[tag]), by parameter; empty when it runs.</summary>
    public required Func<CrmDbContext, ListQuery, IDictionary<string, string[]>> CheckListQuery { get; init; }

    public string Route => $"/api/v1/{Plural}";

    public static ObjectTypeEntry For<TEntity, TInput, TResponse>(ResourceDefinition<TEntity, TInput, TResponse> resource)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull
    {
        var type = resource.ObjectType ?? throw new InvalidOperationException($"The {resource.Plural} resource has no ObjectType.");
        return new ObjectTypeEntry
        {
            Type = type,
            Noun = resource.EntityType,
            Plural = resource.Plural,
            OperationSingular = resource.OperationSingular,
            OperationPlural = resource.OperationPlural,
            Fields = JsonSerializerOptions.Web.GetTypeInfo(typeof(TResponse)).Properties.Select(p => p.Name).ToFrozenSet(StringComparer.Ordinal),
            IsVisibleAsync = (services, id, cancellationToken) =>
                resource.Scoped(services).Where(ResourceRecords.IsLive<TEntity>()).AnyAsync(ResourceRecords.HasId<TEntity>(id), cancellationToken),
            CheckListQuery = (db, query) => resource.Listing.Plan(query, [RecordTags.Filter(db, type)]).Errors,
        };
    }
}
