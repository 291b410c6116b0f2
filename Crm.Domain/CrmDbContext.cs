using Microsoft.EntityFrameworkCore;

namespace Crm.Domain;

/// <summary>
/// The EF Core map of the CRM schema. The schema itself is owned by the SQL files in Migrations/ (EF does not
/// create tables); entity configurations are added per feature as the model grows.
/// </summary>
public sealed class CrmDbContext(DbContextOptions<CrmDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrmDbContext).Assembly);
}
