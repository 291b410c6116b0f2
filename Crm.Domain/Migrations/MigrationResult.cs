namespace Crm.Domain.Migrations;

/// <param name="AppliedVersions">The versions this run applied, in order; empty when the schema was current.</param>
/// <param name="SchemaVersion">The highest version recorded in the database afterwards; null when there are no migrations.</param>
public sealed record MigrationResult(IReadOnlyList<string> AppliedVersions, string? SchemaVersion);
