using Crm.Api.Infrastructure.Concurrency;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Tests.Infrastructure;

/// <summary>The xmin mapping ETags documents, checked against PostgreSQL with a test-only map of the teams table.</summary>
public sealed class XminConcurrencyTests(ListingDatabase fixture) : IClassFixture<ListingDatabase>
{
    public sealed class VersionedTeam
    {
        public Guid Id { get; set; }
        public string Name { get; set; } = "";
        public uint Version { get; set; }
    }

    // Connects as the test superuser (no SET ROLE), which row-level security does not restrict.
    private sealed class VersionContext(DbContextOptions<VersionContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder builder)
        {
            var team = builder.Entity<VersionedTeam>().ToTable("teams");
            team.Property(t => t.Id).HasColumnName("id");
            team.Property(t => t.Name).HasColumnName("name");
            team.Property(t => t.Version).IsRowVersion();
        }
    }

    private VersionContext Context() => new(new DbContextOptionsBuilder<VersionContext>().UseNpgsql(fixture.Database.DataSource).Options);

    [Fact]
    public async Task A_uint_row_version_is_xmin_and_a_stale_version_fails_the_update()
    {
        var id = fixture.Teams[0].Id;
        await using var first = Context();
        var team = await first.Set<VersionedTeam>().SingleAsync(t => t.Id == id);
        var read = team.Version;
        Assert.NotEqual(0u, read);

        team.Name = "renamed-once";
        first.Entry(team).ExpectVersion(read);
        await first.SaveChangesAsync();
        var written = team.Version;
        Assert.NotEqual(read, written);

        await using var second = Context();
        var stale = await second.Set<VersionedTeam>().SingleAsync(t => t.Id == id);
        stale.Name = "renamed-twice";
        second.Entry(stale).ExpectVersion(read);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
    }
}
