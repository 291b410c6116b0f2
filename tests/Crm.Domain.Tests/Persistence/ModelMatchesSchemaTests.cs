using System.Text.RegularExpressions;
using Crm.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Crm.Domain.Tests.Persistence;

/// <summary>
/// EF Core maps the tables the SQL migrations create; it does not create them (DESIGN.md section 6). This compares the
/// two after migrating and lists every disagreement at once.
/// </summary>
public sealed partial class ModelMatchesSchemaTests : IAsyncLifetime
{
    private static readonly HashSet<string> TextTypes = ["text", "character varying", "character"];

    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await _database.MigrateAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Every_entity_type_maps_existing_tables_and_columns_of_compatible_types()
    {
        await using var context = new CrmDbContext(_database.ContextOptions());
        var model = context.GetService<IDesignTimeModel>().Model;
        var schema = await ReadSchemaAsync(_database.DataSource);
        var mismatches = new List<string>();

        var entityTypes = model.GetEntityTypes().Where(e => e.GetTableName() is not null).ToList();
        Assert.NotEmpty(entityTypes);
        foreach (var entityType in entityTypes)
        {
            var table = entityType.GetTableName()!;
            var where = $"{entityType.ClrType.Name} ({table})";
            if (entityType.GetSchema() is { } entitySchema && entitySchema != "public")
            {
                mismatches.Add($"{where}: mapped to schema {entitySchema}, the migrations create tables in public");
                continue;
            }
            if (!schema.TryGetValue(table, out var columns))
            {
                mismatches.Add($"{where}: table does not exist");
                continue;
            }

            var storeObject = StoreObjectIdentifier.Table(table);
            var mapped = new HashSet<string>();
            foreach (var property in entityType.GetProperties())
            {
                var columnName = property.GetColumnName(storeObject);
                if (columnName is null)
                {
                    continue;
                }
                mapped.Add(columnName);
                var at = $"{where}.{property.Name} ({columnName})";
                // A row version (ETags) maps PostgreSQL's xmin, a system column of every table that the query below skips.
                if (columnName == "xmin")
                {
                    if (property.GetColumnType(storeObject) != "xid" || !property.IsConcurrencyToken)
                    {
                        mismatches.Add($"{at}: xmin must be mapped as an xid row version (IsRowVersion on a uint)");
                    }
                    continue;
                }
                if (!columns.TryGetValue(columnName, out var column))
                {
                    mismatches.Add($"{at}: column does not exist");
                    continue;
                }
                CompareColumn(property, storeObject, column, at, mismatches);
            }

            foreach (var column in columns.Values.Where(c => c.NotNull && !c.HasDefault && !mapped.Contains(c.Name)))
            {
                mismatches.Add($"{where}: NOT NULL column {column.Name} has no default and is not mapped, so EF cannot insert a row");
            }

            var efKey = entityType.FindPrimaryKey()?.Properties.Select(p => p.GetColumnName(storeObject)!).Order().ToArray() ?? [];
            var dbKey = columns.Values.Where(c => c.InPrimaryKey).Select(c => c.Name).Order().ToArray();
            if (!efKey.SequenceEqual(dbKey))
            {
                mismatches.Add($"{where}: EF key ({string.Join(", ", efKey)}) differs from the primary key ({string.Join(", ", dbKey)})");
            }
        }

        Assert.True(mismatches.Count == 0, $"The EF model and the migrated schema disagree:{Environment.NewLine}" +
                                           string.Join(Environment.NewLine, mismatches));
    }

    private static void CompareColumn(IProperty property, StoreObjectIdentifier storeObject, DbColumn column, string at, List<string> mismatches)
    {
        var efType = property.GetColumnType(storeObject);
        var (efBase, efLength) = ParseType(efType);
        var (dbBase, dbLength) = ParseType(column.Type);

        if (efBase != dbBase && !(TextTypes.Contains(efBase) && TextTypes.Contains(dbBase)))
        {
            mismatches.Add($"{at}: EF type {efType}, column type {column.Type}");
        }
        var efFixedLength = efBase == "character" || property.IsFixedLength(storeObject) == true;
        if (efFixedLength != (dbBase == "character"))
        {
            mismatches.Add($"{at}: EF type {efType}{(efFixedLength ? " (fixed length)" : "")}, column type {column.Type}; a char(n) column and IsFixedLength go together");
        }
        var efMaxLength = property.GetMaxLength(storeObject) ?? efLength;
        if (efMaxLength is not null && efMaxLength != dbLength)
        {
            mismatches.Add($"{at}: EF max length {efMaxLength}, column type {column.Type}");
        }

        var efNullable = property.IsColumnNullable(storeObject);
        if (efNullable == column.NotNull)
        {
            mismatches.Add($"{at}: EF says {(efNullable ? "nullable" : "required")}, column is {(column.NotNull ? "NOT NULL" : "nullable")}");
        }

        // EF leaves these columns out of an INSERT when the property has its CLR default, relying on the database.
        var efExpectsStoreDefault = property.GetDefaultValueSql(storeObject) is not null ||
                                    property.GetValueGenerationStrategy(storeObject) != NpgsqlValueGenerationStrategy.None;
        if (efExpectsStoreDefault && !column.HasDefault)
        {
            mismatches.Add($"{at}: EF expects the database to generate a value, the column has no default");
        }
    }

    /// <summary>"character varying(256)" → ("character varying", 256); aliases spelled as format_type spells them.</summary>
    private static (string Base, int? Length) ParseType(string type)
    {
        var match = TypePattern().Match(type.Trim().ToLowerInvariant());
        var name = match.Groups["name"].Value.Trim();
        int? length = match.Groups["length"].Success ? int.Parse(match.Groups["length"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        name = name switch
        {
            "varchar" => "character varying",
            "char" or "bpchar" => "character",
            "timestamptz" => "timestamp with time zone",
            "int" or "int4" => "integer",
            "int8" => "bigint",
            "bool" => "boolean",
            _ => name,
        };
        return (name, length);
    }

    private static async Task<Dictionary<string, Dictionary<string, DbColumn>>> ReadSchemaAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   a.atthasdef OR a.attidentity <> '',
                   EXISTS (SELECT FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey))
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new Dictionary<string, Dictionary<string, DbColumn>>();
        while (await reader.ReadAsync())
        {
            var column = new DbColumn(reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetBoolean(4), reader.GetBoolean(5));
            var table = reader.GetString(0);
            if (!tables.TryGetValue(table, out var columns))
            {
                tables[table] = columns = [];
            }
            columns[column.Name] = column;
        }
        return tables;
    }

    [GeneratedRegex(@"^(?<name>[a-z0-9 ]+?)\s*(\((?<length>\d+)\))?$")]
    private static partial Regex TypePattern();

    private sealed record DbColumn(string Name, string Type, bool NotNull, bool HasDefault, bool InPrimaryKey);
}
