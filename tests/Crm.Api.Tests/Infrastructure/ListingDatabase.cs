using Crm.Api.Infrastructure.Listing;
using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.Domain.Tenancy;
using Crm.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>A migrated test database with one workspace of ~300 teams, shared by a test class.</summary>
public sealed class ListingDatabase : IAsyncLifetime
{
    private TestDatabase? _database;

    public static readonly ListingSchema<Team> TeamSchema = new ListingSchema<Team>("teams", t => t.Id)
        .Field("name", t => t.Name, sortable: true, filterable: true, searchable: true)
        .Field("description", t => t.Description, sortable: true, filterable: true, searchable: true)
        .Field("createdAt", t => t.CreatedAt, sortable: true, filterable: true)
        .Field("parentTeamId", t => t.ParentTeamId, filterable: true);

    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Guid WorkspaceId { get; private set; }

    public IReadOnlyList<Team> Teams { get; private set; } = [];

    public TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await new MigrationRunner(_database.DataSource, MigrationScript.LoadEmbedded(), "tests", NullLogger<MigrationRunner>.Instance).RunAsync();
        (WorkspaceId, Teams) = await SeedWorkspaceAsync(300);
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public CrmDbContext Context(Guid workspaceId)
    {
        var context = new CrmDbContext(new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(Database.DataSource).Options);
        context.UseSession(new TenantSession(workspaceId, null));
        return context;
    }

    /// <summary>
    /// A new workspace with <paramref name="count"/> teams, inserted in shuffled order (so id order is not name order),
    /// with repeated descriptions, some null ones, and repeated creation times (so the id tiebreak matters).
    /// </summary>
    public async Task<(Guid WorkspaceId, IReadOnlyList<Team> Teams)> SeedWorkspaceAsync(int count)
    {
        var workspaceId = Guid.CreateVersion7();
        await using var db = Context(workspaceId);
        db.Workspaces.Add(new Workspace { Id = workspaceId, Name = "Listing", Slug = $"listing-{workspaceId:N}" });
        await db.SaveChangesAsync();
        var random = new Random(42);
        var teams = Enumerable.Range(0, count)
            .OrderBy(_ => random.Next())
            .Select(i => NewTeam($"team{i:D4}", i))
            .ToList();
        db.Teams.AddRange(teams);
        await db.SaveChangesAsync();
        return (workspaceId, teams);
    }

    /// <summary>Names and descriptions are lower-case ASCII letters and digits, ordered alike by any collation and by ordinal.</summary>
    public static Team NewTeam(string name, int i) => new()
    {
        Name = name,
        Description = i % 7 == 0 ? null : $"desc{i * 37 % 20:D2}",
        CreatedAt = Epoch.AddMinutes(i * 13 % 40),
        UpdatedAt = Epoch,
    };

    public static ListQuery Query(string queryString) => ListQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(queryString)));
}
