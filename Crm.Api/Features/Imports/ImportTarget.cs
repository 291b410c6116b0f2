using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Patching;
using Crm.Api.Infrastructure.Persistence;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Imports;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Imports;

/// <summary>A resource that CSV files can be imported into (<see cref="ImportableResources"/>).</summary>
internal interface IImportTarget
{
    /// <summary>The resource as the API names it ("contacts"): the import's objectType.</summary>
    string ObjectType { get; }

    ImportFields Fields(JsonSerializerOptions json);

    /// <summary>Begins importing one job's rows, with the access of <paramref name="services"/>' caller (the job's creator).</summary>
    IImportRun Start(ResourceServices services, ImportJob job);
}

/// <summary>One job's import into a resource, chunk after chunk; remembers the duplicate keys seen in the file so far.</summary>
internal interface IImportRun
{
    /// <summary>
    /// Validates, dedupes and writes a chunk's rows (inside the transaction the caller began on the context), counting
    /// every row's outcome in <paramref name="report"/>.
    /// </summary>
    Task ImportAsync(IReadOnlyList<ImportRow> rows, ImportReport report, CancellationToken cancellationToken);
}

/// <summary>
/// The field an import dedupes on: its API name, its value on an input, and the entity member that holds its lower-case
/// key (read in SQL): a stored generated column such as contacts.email_key (lower(email)), which the unique index is on.
/// The input's value is lower-cased here, so the comparison is case-insensitive.
/// </summary>
internal sealed record ImportKey<TEntity, TInput>(string Field, Func<TInput, string?> Input, Expression<Func<TEntity, string?>> Existing);

internal static class ImportTarget
{
    /// <summary>
    /// An import into <paramref name="resource"/>, deduped on <paramref name="key"/> (none: every valid row is created).
    /// <paramref name="defaults"/> (JSON, input fields) are the values a new record gets where the file gives none, on
    /// top of the input type's own defaults: an imported contact's source is import.
    /// </summary>
    public static IImportTarget For<TEntity, TInput, TResponse>(
        ResourceDefinition<TEntity, TInput, TResponse> resource, ImportKey<TEntity, TInput>? key, string? defaults = null)
        where TEntity : class, IBusinessRecord
        where TInput : class, new()
        where TResponse : notnull =>
        new ImportTarget<TEntity, TInput, TResponse>(resource, key, defaults is null ? [] : JsonNode.Parse(defaults)!.AsObject());
}

/// <summary>
/// Imports into one resource through its <see cref="ResourceDefinition{TEntity, TInput, TResponse}"/>: a row is read
/// into the input type by the merge patch of POST, normalized and checked by the resource's validator and reference
/// check (so a row is refused for exactly what a POST would refuse), and the records are created with
/// <see cref="StagedCopy"/> plus one audit row each. Duplicates are found on <paramref name="key"/>, among the
/// workspace's live records (whoever owns them: a unique index does not care either) and within the file.
/// </summary>
internal sealed class ImportTarget<TEntity, TInput, TResponse>(
    ResourceDefinition<TEntity, TInput, TResponse> resource, ImportKey<TEntity, TInput>? key, JsonObject defaults) : IImportTarget
    where TEntity : class, IBusinessRecord
    where TInput : class, new()
    where TResponse : notnull
{
    public string ObjectType => resource.Plural;

    public ImportFields Fields(JsonSerializerOptions json) => new(typeof(TInput), json);

    public IImportRun Start(ResourceServices services, ImportJob job) => new Run(resource, key, defaults, services, job);

    /// <summary>A row that passed the merge patch: its input, the key it dedupes on, and the record it updates if any.</summary>
    private sealed record Candidate(ImportRow Row, TInput Input, string? Key, TEntity? Existing);

    private sealed class Run(
        ResourceDefinition<TEntity, TInput, TResponse> resource, ImportKey<TEntity, TInput>? key, JsonObject defaults,
        ResourceServices services, ImportJob job) : IImportRun
    {
        /// <summary>The first row of the file with each key, across chunks.</summary>
        private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

        private readonly Guid _userId = services.Caller.UserId;

        public async Task ImportAsync(IReadOnlyList<ImportRow> rows, ImportReport report, CancellationToken cancellationToken)
        {
            var candidates = await ValidateAsync(rows, report, cancellationToken);

            var references = new Dictionary<string, string[]>();
            var items = candidates.Select((c, i) => (c.Input, Prefix: $"{i}.", Id: c.Existing?.Id ?? Guid.CreateVersion7())).ToList();
            await resource.CheckCustomFieldsAsync(services,
                [.. candidates.Select((c, i) => (c.Input, items[i].Prefix, c.Existing is { } existing ? resource.ToInput(existing) : null))],
                references, cancellationToken);
            await resource.CheckReferences(services, items, references, cancellationToken);

            var creates = new List<(Candidate Candidate, Guid Id)>();
            var updates = new List<Candidate>();
            for (var i = 0; i < candidates.Count; i++)
            {
                var candidate = candidates[i];
                var prefix = items[i].Prefix;
                var errors = references.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
                    .ToDictionary(e => e.Key[prefix.Length..], e => e.Value);
                if (errors.Count > 0)
                {
                    report.Fail(candidate.Row, errors);
                }
                else if (candidate.Key is { } value && !_seen.TryAdd(value, candidate.Row.Number))
                {
                    report.Skip(candidate.Row, key!.Field, $"Row {_seen[value]} of this file has the same {key.Field}; this row was skipped.");
                }
                else if (candidate.Existing is null)
                {
                    creates.Add((candidate, items[i].Id));
                }
                else
                {
                    updates.Add(candidate);
                }
            }

            await CreateAsync(creates, report, cancellationToken);
            await UpdateAsync(updates, report, cancellationToken);
        }

        /// <summary>
        /// Each row through the merge patch and the validator: as a new record, or, when its key is a live record's and
        /// the job updates existing records, as a merge patch of that record. Rows refused here, and rows whose key a
        /// live record has when the job skips those, are reported; the others are the candidates.
        /// </summary>
        private async Task<List<Candidate>> ValidateAsync(IReadOnlyList<ImportRow> rows, ImportReport report, CancellationToken cancellationToken)
        {
            var parsed = new List<(ImportRow Row, TInput Input, Dictionary<string, string[]> Errors, string? Key)>();
            foreach (var row in rows)
            {
                var patched = MergePatch.Apply(new TInput(), WithDefaults(row.Values.Values), services.Json);
                if (!patched.IsValid)
                {
                    report.Fail(row, patched.Errors!);
                    continue;
                }
                var errors = new Dictionary<string, string[]>();
                var input = resource.Validate(resource.OwnedByDefault(patched.Value!, _userId), errors, "");
                parsed.Add((row, input, errors, key?.Input(input)?.ToLowerInvariant()));
            }

            var keys = parsed.Select(p => p.Key).OfType<string>().Distinct().ToList();
            var existing = keys.Count == 0 ? [] : await ExistingKeysAsync(keys, cancellationToken);
            var updatable = existing.Count == 0 || job.DedupePolicy != ImportDedupePolicy.Update
                ? []
                : await UpdatableAsync([.. existing], cancellationToken);

            var candidates = new List<Candidate>();
            foreach (var (row, input, errors, value) in parsed)
            {
                if (value is null || !existing.Contains(value))
                {
                    if (errors.Count > 0)
                    {
                        report.Fail(row, errors);
                    }
                    else
                    {
                        candidates.Add(new Candidate(row, input, value, null));
                    }
                    continue;
                }
                // A key found among live records means the import dedupes (key is set).
                var field = key!.Field;
                var matches = updatable.GetValueOrDefault(value) ?? [];
                var skipped = job.DedupePolicy == ImportDedupePolicy.Skip
                    ? $"A live {resource.EntityType} has this {field}; the row was skipped."
                    : matches.Count switch
                    {
                        0 => $"A live {resource.EntityType} has this {field}, outside your record scope; the row was skipped.",
                        1 => null,
                        _ => $"{matches.Count} live {resource.Plural} have this {field}; the row matches no single one and was skipped.",
                    };
                if (skipped is not null)
                {
                    report.Skip(row, field, skipped);
                }
                else if (ValidatePatch(row, matches[0], report) is { } patch)
                {
                    candidates.Add(new Candidate(row, patch, value, matches[0]));
                }
            }
            return candidates;
        }

        /// <summary>The row's values over the target's defaults for new records.</summary>
        private JsonObject WithDefaults(JsonObject values)
        {
            if (defaults.Count == 0)
            {
                return values;
            }
            var merged = defaults.DeepClone().AsObject();
            foreach (var (field, value) in values)
            {
                merged[field] = value?.DeepClone();
            }
            return merged;
        }

        /// <summary>The row's cells merged onto the record's fields and validated, or null (reported) when refused.</summary>
        private TInput? ValidatePatch(ImportRow row, TEntity record, ImportReport report)
        {
            var patched = MergePatch.Apply(resource.ToInput(record), row.Values.Values, services.Json);
            if (!patched.IsValid)
            {
                report.Fail(row, patched.Errors!);
                return null;
            }
            var errors = new Dictionary<string, string[]>();
            var input = resource.Validate(patched.Value!, errors, "");
            if (errors.Count > 0)
            {
                report.Fail(row, errors);
                return null;
            }
            return input;
        }

        /// <summary>
        /// New records in one staged copy, with an audit row each. A row the database still finds a duplicate (a record
        /// created meanwhile, or another unique field such as a company's account number) is reported as failed.
        /// </summary>
        private async Task CreateAsync(List<(Candidate Candidate, Guid Id)> creates, ImportReport report, CancellationToken cancellationToken)
        {
            var records = new List<TEntity>();
            foreach (var (candidate, id) in creates)
            {
                var record = resource.New(id);
                resource.Apply(candidate.Input, record);
                record.WorkspaceId = job.WorkspaceId;
                record.CreatedBy = _userId;
                record.StampUpdate(_userId);
                // What goes with a new record (a lead's score history row) is saved with the chunk, after the copy.
                await resource.AfterApplyAsync(services, record, null, cancellationToken);
                records.Add(record);
            }
            var inserted = await StagedCopy.InsertAsync(services.Db, records, skipConflicts: true, cancellationToken);
            await services.Db.SaveChangesAsync(cancellationToken);

            var audit = services.Audit;
            var entries = records.Where(r => inserted.Contains(r.Id))
                .Select(r => audit.ImportedEntry(resource.EntityType, r.Id, audit.Snapshot(resource.ToInput(r)))).ToList();
            await StagedCopy.InsertAsync(services.Db, entries, skipConflicts: false, cancellationToken);
            report.AddCreated(inserted.Count);

            foreach (var (candidate, id) in creates.Where(c => !inserted.Contains(c.Id)))
            {
                report.Fail(candidate.Row, resource.Conflicts.Count == 1 ? resource.Conflicts[0].Field : null,
                    string.Join(" Or: ", resource.Conflicts.Select(c => c.Detail)));
            }
        }

        /// <summary>
        /// Existing records changed one by one, each with its audit row, in a savepoint of its own (EF's, around each
        /// SaveChanges in a transaction): a record changed by someone else meanwhile (its version moved) or a unique field
        /// another record now has fails only its row.
        /// </summary>
        private async Task UpdateAsync(List<Candidate> updates, ImportReport report, CancellationToken cancellationToken)
        {
            var db = services.Db;
            var audit = services.Audit;
            foreach (var (row, input, _, existing) in updates)
            {
                var record = existing!;
                if (!await resource.ChangeAsync(services, record, input, cancellationToken))
                {
                    // Same values, maybe spelled otherwise (jsonb's formatting): nothing to write.
                    db.Entry(record).State = EntityState.Unchanged;
                    report.Skip(row, null, $"The {resource.EntityType} already has these values; nothing to update.");
                    continue;
                }
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    report.AddUpdated(1);
                }
                catch (DbUpdateConcurrencyException)
                {
                    Discard(db);
                    report.Fail(row, null, $"The {resource.EntityType} was changed by someone else during the import; import this row again.");
                }
                catch (DbUpdateException e) when (resource.Conflicts.FirstOrDefault(c => e.IsUniqueViolation(c.IndexName)) is { } conflict)
                {
                    Discard(db);
                    report.Fail(row, conflict.Field, conflict.Detail);
                }
            }
        }

        /// <summary>Forgets the changes of the failed save (the record and its audit row); EF rolled the database back to its savepoint.</summary>
        private static void Discard(DbContext db)
        {
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList())
            {
                entry.State = EntityState.Detached;
            }
        }

        /// <summary>The keys (lower-case) of <paramref name="keys"/> that live records of the workspace have, whoever sees them.</summary>
        private async Task<HashSet<string>> ExistingKeysAsync(List<string> keys, CancellationToken cancellationToken)
        {
            var found = await resource.Set(services.Db).Where(ResourceRecords.IsLive<TEntity>()).Where(HasKey(keys)).Select(key!.Existing)
                .ToListAsync(cancellationToken);
            return [.. found.OfType<string>()];
        }

        /// <summary>The live records with <paramref name="keys"/> that the caller sees (so may update), tracked, by key.</summary>
        private async Task<Dictionary<string, List<TEntity>>> UpdatableAsync(List<string> keys, CancellationToken cancellationToken)
        {
            var read = key!.Existing.Compile();
            var records = await resource.Visible(services).Where(HasKey(keys)).ToListAsync(cancellationToken);
            return records.GroupBy(r => read(r)!).ToDictionary(g => g.Key, g => g.ToList());
        }

        /// <summary>
        /// <c>e => keys.Contains(e.EmailKey)</c>: email_key = ANY(@keys), the keys a parameter, not literals in the SQL.
        /// Text equality is leakproof, so under row-level security the unique index on (workspace_id, email_key) serves
        /// it; lower(email) = ANY(@keys) read all the workspace's rows instead (bench/README.md, "Import vs raw COPY").
        /// </summary>
        private Expression<Func<TEntity, bool>> HasKey(List<string> keys)
        {
            var existing = key!.Existing;
            var box = Expression.Field(Expression.Constant(new StrongBox<List<string>>(keys)), nameof(StrongBox<List<string>>.Value));
            var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], box, existing.Body);
            return Expression.Lambda<Func<TEntity, bool>>(contains, existing.Parameters);
        }
    }
}
