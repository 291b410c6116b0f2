using System.Text.Json.Nodes;
using Crm.Domain.Contacts;

namespace Crm.Api.Features.Contacts;

/// <summary>Between <see cref="Contact"/> and its DTOs.</summary>
internal static class ContactMapping
{
    public static ContactInput ToInput(this Contact c) => new()
    {
        FirstName = c.FirstName, LastName = c.LastName, Email = c.Email, Phone = c.Phone, Mobile = c.Mobile,
        Title = c.Title, Department = c.Department, LifecycleStage = c.LifecycleStage, Source = c.Source,
        Status = c.Status, Website = c.Website, LinkedinUrl = c.LinkedinUrl, TwitterHandle = c.TwitterHandle,
        FacebookUrl = c.FacebookUrl, AddressLine1 = c.AddressLine1, AddressLine2 = c.AddressLine2, City = c.City,
        State = c.State, PostalCode = c.PostalCode, Country = c.Country, Timezone = c.Timezone, Language = c.Language,
        LeadScore = c.LeadScore, CustomFields = JsonNode.Parse(c.CustomFields)!.AsObject(), CompanyId = c.CompanyId,
        OwnerId = c.OwnerId,
    };

    public static ContactResponse ToResponse(this Contact c) => new(c.ToInput())
    {
        Id = c.Id,
        LastActivityAt = c.LastActivityAt,
        LastContactedAt = c.LastContactedAt,
        NextActivityAt = c.NextActivityAt,
        CreatedBy = c.CreatedBy,
        UpdatedBy = c.UpdatedBy,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
    };

    /// <summary>Copies a validated (<see cref="ContactValidator"/>, so normalized) input onto the entity.</summary>
    public static void Apply(this ContactInput i, Contact c)
    {
        c.FirstName = i.FirstName;
        c.LastName = i.LastName;
        c.Email = i.Email;
        c.Phone = i.Phone;
        c.Mobile = i.Mobile;
        c.Title = i.Title;
        c.Department = i.Department;
        c.LifecycleStage = i.LifecycleStage;
        c.Source = i.Source;
        c.Status = i.Status;
        c.Website = i.Website;
        c.LinkedinUrl = i.LinkedinUrl;
        c.TwitterHandle = i.TwitterHandle;
        c.FacebookUrl = i.FacebookUrl;
        c.AddressLine1 = i.AddressLine1;
        c.AddressLine2 = i.AddressLine2;
        c.City = i.City;
        c.State = i.State;
        c.PostalCode = i.PostalCode;
        c.Country = i.Country;
        c.Timezone = i.Timezone;
        c.Language = i.Language;
        c.LeadScore = i.LeadScore;
        c.CustomFields = i.CustomFields.ToJsonString();
        c.CompanyId = i.CompanyId;
        c.OwnerId = i.OwnerId;
    }
}
