using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace Crm.Api.Infrastructure.Persistence;

/// <summary>
/// Inserts many entities of one EF-mapped table with PostgreSQL's binary COPY, for bulk work such as imports.
/// PostgreSQL refuses COPY FROM into a table with row-level security, so the rows are copied into a temporary staging
/// table (LIKE the target, defaults and generated columns included, dropped at commit) and moved with
/// <c>INSERT … SELECT</c>, to which the table's policies (WITH CHECK) apply as to any insert. Columns, their types and
/// value conversions (enums as lower_snake text, jsonb) come from the EF model, so any entity can be copied without a
/// column list of its own.
/// <para>
/// Runs on the context's connection, which carries its tenant session, inside the transaction the caller began on the
/// context (<c>db.Database.BeginTransactionAsync</c>): the staging table lives until that transaction ends.
/// </para>
/// </summary>
public static class StagedCopy
{
    /// <summary>
    /// Inserts <paramref name="entities"/> (no change tracking: they are not attached to the context) and answers the
    /// primary keys of the rows inserted. With <paramref name="skipConflicts"/> a row that breaks a unique index (a
    /// live row, or an earlier row of the same call, has its email, say) is left out (<c>ON CONFLICT DO NOTHING</c>)
    /// instead of failing the statement; the caller finds it missing from the answer.
    /// </summary>
    public static async Task<HashSet<Guid>> InsertAsync<TEntity>(
        DbContext db, IReadOnlyCollection<TEntity> entities, bool skipConflicts, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (entities.Count == 0)
        {
            return [];
        }
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A staged copy runs inside a transaction of the context: the staging table is dropped at its commit.");
        }
        var entityType = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not an entity of the model.");
        var table = entityType.GetTableName() ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not mapped to a table.");
        var store = StoreObjectIdentifier.Table(table, entityType.GetSchema());
        var key = entityType.FindPrimaryKey()?.Properties is [{ ClrType: var keyType } keyProperty] && keyType == typeof(Guid)
            ? keyProperty.GetColumnName(store)!
            : throw new InvalidOperationException($"{typeof(TEntity).Name} needs a single uuid primary key to be copied.");
        var columns = Columns(entityType, store, entities);
        var columnList = string.Join(", ", columns.Select(c => Quote(c.Name)));
        var staging = Quote("staging_" + table);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await ExecuteAsync(connection,
            $"DROP TABLE IF EXISTS pg_temp.{staging}; CREATE TEMP TABLE {staging} (LIKE {Quote(table)} INCLUDING DEFAULTS INCLUDING GENERATED) ON COMMIT DROP",
            cancellationToken);
        await using (var writer = await connection.BeginBinaryImportAsync($"COPY {staging} ({columnList}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var entity in entities)
            {
                await writer.StartRowAsync(cancellationToken);
                foreach (var column in columns)
                {
                    if (column.Read(entity) is { } value)
                    {
                        await writer.WriteAsync(value, column.StoreType, cancellationToken);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken);
                    }
                }
            }
            await writer.CompleteAsync(cancellationToken);
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO {Quote(table)} ({columnList}) SELECT {columnList} FROM {staging}" +
                             (skipConflicts ? " ON CONFLICT DO NOTHING" : "") + $" RETURNING {Quote(key)}";
        var inserted = new HashSet<Guid>(entities.Count);
        await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(reader.GetGuid(0));
        }
        return inserted;
    }

    /// <summary>
    /// The table's columns as EF inserts them: not the row version (xmin, a system column), not a generated column (a
    /// deal's weighted_value), and not a column the database fills (a default such as now()) when no entity sets it,
    /// exactly as EF leaves them out of an INSERT.
    /// </summary>
    private static List<CopyColumn> Columns<TEntity>(IEntityType entityType, StoreObjectIdentifier store, IReadOnlyCollection<TEntity> entities)
        where TEntity : class
    {
        var columns = new List<CopyColumn>();
        foreach (var property in entityType.GetProperties())
        {
            if (property.GetColumnName(store) is not { } name || (property.IsConcurrencyToken && property.ValueGenerated == ValueGenerated.OnAddOrUpdate) ||
                property.GetComputedColumnSql(store) is not null)
            {
                continue;
            }
            var getter = property.GetGetter();
            if (property.GetDefaultValueSql(store) is not null && entities.All(e => getter.HasSentinelValueUsingContainingEntity(e)))
            {
                continue;
            }
            var converter = property.GetValueConverter() ?? property.GetRelationalTypeMapping().Converter;
            columns.Add(new CopyColumn(name, property.GetColumnType(store), getter, converter));
        }
        return columns;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => '"' + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + '"';

    /// <summary>A column of the copy: its store type (as the model gives it, facets and all) and how to read its value.</summary>
    private sealed record CopyColumn(string Name, string StoreType, IClrPropertyGetter Getter, ValueConverter? Converter)
    {
        public object? Read(object entity)
        {
            var value = Getter.GetClrValueUsingContainingEntity(entity);
            return value is null || Converter is null ? value : Converter.ConvertToProvider(value);
        }
    }
}
