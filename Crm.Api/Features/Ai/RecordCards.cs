using System.Globalization;
using Crm.Api.Features.Companies;
using Crm.Api.Features.Contacts;
using Crm.Api.Features.Deals;
using Crm.Api.Features.Leads;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Ai;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Ai;

/// <summary>A record found by meaning: its type, id, what to show, and how close it is (cosine similarity, 1 at most).</summary>
public sealed record SimilarRecord(string Type, Guid Id, string Title, string? Subtitle, double Score);

/// <summary>
/// Turns vector matches into what a user sees, keeping only the records the caller may see (their record scope,
/// live ones): the vectors are the workspace's, the scope is the caller's.
/// </summary>
internal static class RecordCards
{
    public static async Task<IReadOnlyList<SimilarRecord>> ShowAsync(
        ResourceServices services, IReadOnlyList<EmbeddingMatch> matches, int limit, CancellationToken cancellationToken)
    {
        var cards = new Dictionary<(string, Guid), Card>();
        foreach (var type in matches.GroupBy(m => m.EntityType))
        {
            var ids = type.Select(m => m.EntityId).ToArray();
            var found = type.Key switch
            {
                ContactEndpoints.EntityType => await ContactEndpoints.Resource.Visible(services).Where(c => ids.Contains(c.Id))
                    .Select(c => new Card { Id = c.Id, Title = ((c.FirstName ?? "") + " " + (c.LastName ?? "")).Trim(), Fallback = c.Email, Subtitle = c.Title })
                    .ToListAsync(cancellationToken),
                CompanyEndpoints.EntityType => await CompanyEndpoints.Resource.Visible(services).Where(c => ids.Contains(c.Id))
                    .Select(c => new Card { Id = c.Id, Title = c.Name, Subtitle = c.Industry })
                    .ToListAsync(cancellationToken),
                LeadEndpoints.EntityType => await LeadEndpoints.Resource.Visible(services).Where(l => ids.Contains(l.Id))
                    .Select(l => new Card { Id = l.Id, Title = ((l.FirstName ?? "") + " " + (l.LastName ?? "")).Trim(), Fallback = l.CompanyName, Subtitle = l.CompanyName })
                    .ToListAsync(cancellationToken),
                DealEndpoints.EntityType => (await DealEndpoints.Resource.Visible(services).Where(d => ids.Contains(d.Id))
                    .Select(d => new { d.Id, d.Name, d.Value, d.Currency }).ToListAsync(cancellationToken))
                    .Select(d => new Card { Id = d.Id, Title = d.Name, Subtitle = d.Value.ToString("N0", CultureInfo.InvariantCulture) + " " + d.Currency })
                    .ToList(),
                _ => [],
            };
            foreach (var card in found)
            {
                cards[(type.Key, card.Id)] = card;
            }
        }
        return matches
            .Select(m => (Match: m, Card: cards.GetValueOrDefault((m.EntityType, m.EntityId))))
            .Where(found => found.Card is not null)
            .Select(found => new SimilarRecord(
                found.Match.EntityType, found.Match.EntityId,
                found.Card!.Title is { Length: > 0 } title ? title : found.Card.Fallback ?? "(no name)",
                found.Card.Subtitle, Math.Round(found.Match.Similarity, 4)))
            .Take(limit)
            .ToList();
    }

    private sealed class Card
    {
        public Guid Id { get; init; }

        public required string Title { get; init; }

        public string? Fallback { get; init; }

        public string? Subtitle { get; init; }
    }
}
