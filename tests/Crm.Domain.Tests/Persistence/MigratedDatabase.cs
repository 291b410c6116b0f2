using Crm.Domain.Migrations;
using Crm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.Domain.Tests.Persistence;

internal static class MigratedDatabase
{
    /// <summary>Applies every embedded migration to the test database, as the services do at startup.</summary>
    public static Task MigrateAsync(this TestDatabase database) =>
        new MigrationRunner(database.DataSource, MigrationScript.LoadEmbedded(), "tests", NullLogger<MigrationRunner>.Instance).RunAsync();

    /// <summary>Options as the services build them: Npgsql over the database's data source, nothing else.</summary>
    public static DbContextOptions<CrmDbContext> ContextOptions(this TestDatabase database) =>
        new DbContextOptionsBuilder<CrmDbContext>().UseNpgsql(database.DataSource).Options;
}
