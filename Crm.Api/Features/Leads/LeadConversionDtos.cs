using System.Text.Json.Serialization;
using Crm.Domain.Persistence;

namespace Crm.Api.Features.Leads;

/// <summary>The body of <c>POST /api/v1/leads/{id}/convert</c>; every member is optional (an empty body converts with the defaults).</summary>
public sealed record LeadConversionRequest
{
    /// <summary>A live contact the caller sees; without it, a contact with the lead's email is linked, or one is created from the lead.</summary>
    public Guid? ContactId { get; init; }

    /// <summary>
    /// A live company the caller sees; without it, a company with the domain of the lead's website, or else with its
    /// company name, is linked, or one is created from the lead (none when the lead has no company name).
    /// </summary>
    public Guid? CompanyId { get; init; }

    /// <summary>Present (<c>{}</c> will do) to create a deal as well; absent or null for none.</summary>
    public LeadConversionDeal? Deal { get; init; }
}

/// <summary>The deal a conversion creates; every member is optional.</summary>
public sealed record LeadConversionDeal
{
    /// <summary>Default: the company's name, else the lead's name.</summary>
    public string? Name { get; init; }

    /// <summary>A live, active pipeline; default: the stage's pipeline, else the workspace's default pipeline.</summary>
    public Guid? PipelineId { get; init; }

    /// <summary>An open stage of the pipeline; default: its first open stage.</summary>
    public Guid? StageId { get; init; }

    /// <summary>Default: the lead's budget (0 without one).</summary>
    public decimal? Value { get; init; }

    /// <summary>ISO 4217 code; default: the lead's currency.</summary>
    public string? Currency { get; init; }

    public DateOnly? ExpectedCloseDate { get; init; }
}

/// <summary>What the conversion did: the converted lead (read-only from now on) and the records it linked or created.</summary>
public sealed record LeadConversionResponse(LeadResponse Lead, ConvertedRecord Contact, ConvertedRecord? Company, ConvertedRecord? Deal);

/// <summary>A record the conversion linked or created.</summary>
public sealed record ConvertedRecord(Guid Id, ConversionOutcome Outcome);

[JsonConverter(typeof(LowerSnakeJsonEnumConverter<ConversionOutcome>))]
public enum ConversionOutcome
{
    /// <summary>Made from the lead's fields.</summary>
    Created,

    /// <summary>Named by the request (contactId, companyId).</summary>
    Linked,

    /// <summary>An existing contact with the lead's email (case-insensitive).</summary>
    MatchedByEmail,

    /// <summary>An existing company whose domain is the host of the lead's website.</summary>
    MatchedByDomain,

    /// <summary>An existing company with the lead's company name (case-insensitive).</summary>
    MatchedByName,
}
