using System.Diagnostics;
using System.Text.Json.Nodes;
using Crm.Api.Features.Auth;
using Crm.Api.Infrastructure.Persistence;
using Crm.Domain;
using Crm.Domain.Identity;
using Crm.Domain.Pipelines;
using Crm.Domain.Tenancy;
using Crm.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Crm.Api.Features.Demo;

/// <summary>
/// Makes sure the demo login of <see cref="DemoOptions"/> exists and its workspace is filled with <see cref="DemoData"/>.
/// <list type="bullet">
/// <item>The user and workspace are created as by registration (<see cref="NewWorkspaces"/>), so the workspace has the
/// default pipeline the deals go into.</item>
/// <item>A demo user whose password differs from the configured one gets the configured one: the configuration is what
/// the AppHost prints, so the printed login must work (the demo is a local convenience, not an account to protect).</item>
/// <item>The whole fill is one transaction that ends by marking the workspace filled (its settings' <c>demo</c> key).
/// A crash half-way leaves no record and no mark, so the next start fills the still empty workspace; a filled
/// workspace is left alone. The transaction locks the workspace row first, so API replicas starting together fill it
/// once.</item>
/// </list>
/// Rows are written under the workspace's tenant session (row-level security applies) with the bulk copy imports use
/// (<see cref="StagedCopy"/>). No audit rows: the demo records are sample data, not anybody's changes.
/// </summary>
public sealed class DemoWorkspace(
    IServiceScopeFactory scopes,
    IDbContextFactory<CrmDbContext> contexts,
    IOptions<DemoOptions> options,
    ServiceInstrumentation instrumentation,
    TimeProvider clock,
    ILogger<DemoWorkspace> logger)
{
    private const string MarkerKey = "demo";

    /// <summary>Rows per statement of the fill (the default demo's largest table, a few seconds on 2 cores), whatever its size.</summary>
    private const int ChunkSize = 10_000;

    /// <summary>Creates the demo login and fills its workspace unless done already; answers the workspace's id.</summary>
    public async Task<Guid> EnsureAsync(CancellationToken cancellationToken)
    {
        using var activity = instrumentation.ActivitySource.StartActivity("demo workspace");
        var settings = options.Value;
        var (userId, workspaceId) = await EnsureLoginAsync(settings, cancellationToken);
        activity?.SetTag("crm.workspace_id", workspaceId);
        var filled = await FillAsync(settings, workspaceId, userId, cancellationToken);
        activity?.SetTag("crm.demo.filled_now", filled);
        return workspaceId;
    }

    private async Task<(Guid UserId, Guid WorkspaceId)> EnsureLoginAsync(DemoOptions settings, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CrmUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CrmDbContext>();
        var email = settings.Email.Trim();
        var password = settings.Password!;
        var errors = new Dictionary<string, string[]>();
        await NewAccounts.ValidateAsync(users, errors, password, null, null, email, checkEmail: true);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(
                $"The demo login is refused ({string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}); check Demo:Email and Demo:Password.");
        }

        if (await users.FindByEmailAsync(email) is not { } user)
        {
            var workspace = NewWorkspaces.Workspace(settings.WorkspaceName.Trim());
            user = NewAccounts.NewUser(email, "Demo", "User");
            db.UseSession(NewWorkspaces.SessionOf(workspace, user));
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var created = await NewWorkspaces.CreateAsync(db, users, workspace, user, password, clock, cancellationToken);
            if (created.Failure is null)
            {
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Demo workspace {Workspace} created for {Email}", workspace.Name, email);
                return (user.Id, workspace.Id);
            }
            if (created.Failure.Conflict is null)
            {
                throw new InvalidOperationException($"The demo user {email} could not be created; check Demo:Email.");
            }
            // Another replica created it a moment ago: go on with theirs.
            await transaction.RollbackAsync(cancellationToken);
            user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException($"The demo user {email} vanished while being created.");
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            // One UPDATE rather than a save under Identity's concurrency stamp: replicas starting together set the same
            // password, and neither should fail because the other did it first.
            var hash = users.PasswordHasher.HashPassword(user, password);
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, hash), cancellationToken);
            logger.LogWarning("The demo user {Email} had another password than Demo:Password; it now has the configured one", email);
        }

        // A user-only session sees the user's own memberships (policy own_memberships); the demo user owns one workspace.
        db.UseSession(new TenantSession(null, user.Id));
        var workspaceId = await db.WorkspaceMembers.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.UserId == user.Id && m.Role == MemberRole.Owner && m.Status == MemberStatus.Active)
            .OrderBy(m => m.CreatedAt).Select(m => (Guid?)m.WorkspaceId).FirstOrDefaultAsync(cancellationToken)
            ?? throw new InvalidOperationException($"{email} exists but owns no workspace: it is not a demo user this service made. Use another Demo:Email.");
        return (user.Id, workspaceId);
    }

    /// <summary>Fills the workspace in one transaction unless it is marked filled; true when it filled it now.</summary>
    private async Task<bool> FillAsync(DemoOptions settings, Guid workspaceId, Guid userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.UseSession(new TenantSession(workspaceId, userId));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        // No JIT in the fill: the estimates for the triggers' statements over their transition tables (thousands of
        // rows, no statistics) are high enough for PostgreSQL to compile each of them, about 1.5 s a statement on 2 cores
        // (bench/README.md, "Data generator").
        await using (var noJit = new NpgsqlCommand("SET LOCAL jit = off", connection))
        {
            await noJit.ExecuteNonQueryAsync(cancellationToken);
        }

        // The row lock makes a second replica wait here until this fill commits, and then find the mark.
        await using (var read = new NpgsqlCommand("SELECT settings::text FROM workspaces WHERE id = $1 FOR UPDATE", connection))
        {
            read.Parameters.Add(new NpgsqlParameter { Value = workspaceId });
            var workspaceSettings = (string?)await read.ExecuteScalarAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The demo workspace {workspaceId} is gone.");
            if (JsonNode.Parse(workspaceSettings)?[MarkerKey] is not null)
            {
                logger.LogInformation("Demo workspace {WorkspaceId} is filled already; sign in as {Email}", workspaceId, settings.Email);
                return false;
            }
        }

        var started = Stopwatch.GetTimestamp();
        var pipeline = await db.Pipelines.AsNoTracking().SingleOrDefaultAsync(p => p.IsDefault && p.DeletedAt == null, cancellationToken);
        var stages = pipeline is null ? [] : await db.PipelineStages.AsNoTracking()
            .Where(s => s.PipelineId == pipeline.Id && s.DeletedAt == null).OrderBy(s => s.Position).ToListAsync(cancellationToken);
        if (pipeline is null || !stages.Any(s => s.Kind == StageKind.Open) || stages.Count(s => s.Kind == StageKind.Won) != 1 || stages.Count(s => s.Kind == StageKind.Lost) != 1)
        {
            throw new InvalidOperationException(
                $"The demo workspace {workspaceId} is not filled and its default pipeline was changed (it needs open stages, one won and one lost stage); delete the demo user to start over.");
        }
        var data = DemoData.Generate(settings, workspaceId, userId, pipeline.Id, stages, clock.GetUtcNow());
        logger.LogInformation("Demo data made in {Duration} ms", Elapsed(started));

        await InsertAsync(db, "tags", data.Tags, cancellationToken);
        await InsertAsync(db, "companies", data.Companies, cancellationToken);
        await InsertAsync(db, "contacts", data.Contacts, cancellationToken);
        await InsertAsync(db, "leads", data.Leads, cancellationToken);
        await InsertAsync(db, "deals", data.Deals, cancellationToken);
        await MoveDealsAsync(connection, data.DealMoves, userId, cancellationToken);
        await InsertAsync(db, "activities", data.Activities, cancellationToken);
        await InsertAsync(db, "notes", data.Notes, cancellationToken);
        await InsertAsync(db, "taggings", data.Taggings, cancellationToken);

        var marker = new JsonObject
        {
            ["filledAt"] = clock.GetUtcNow(),
            ["seed"] = settings.Seed,
            ["companies"] = data.Companies.Count,
            ["contacts"] = data.Contacts.Count,
            ["leads"] = data.Leads.Count,
            ["deals"] = data.Deals.Count,
            ["activities"] = data.Activities.Count,
            ["notes"] = data.Notes.Count,
        };
        await using (var mark = new NpgsqlCommand(
            "UPDATE workspaces SET settings = jsonb_set(settings, ARRAY[$2], $3::jsonb), updated_at = now() WHERE id = $1", connection))
        {
            mark.Parameters.Add(new NpgsqlParameter { Value = workspaceId });
            mark.Parameters.Add(new NpgsqlParameter { Value = MarkerKey });
            mark.Parameters.Add(new NpgsqlParameter { Value = marker.ToJsonString() });
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Demo workspace {WorkspaceId} filled in {Duration} ms; sign in as {Email}", workspaceId, Elapsed(started), settings.Email);
        return true;
    }

    private async Task InsertAsync<TEntity>(CrmDbContext db, string name, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken)
        where TEntity : class
    {
        var started = Stopwatch.GetTimestamp();
        var count = 0;
        // In chunks: one INSERT … SELECT of a million rows (bench/datagen.sh) runs past the 30 s command timeout, and
        // the statement-level triggers' transition tables stay small.
        foreach (var chunk in entities.Chunk(ChunkSize))
        {
            count += (await StagedCopy.InsertAsync(db, chunk, skipConflicts: false, cancellationToken)).Count;
        }
        // Statistics of the rows just written, for the plans of the next tables' foreign key checks and triggers
        // (migration 0020: without them the activities' checks against leads scanned every lead of the workspace).
        await using (var analyze = new NpgsqlCommand("SELECT crm_analyze_records($1)", (NpgsqlConnection)db.Database.GetDbConnection()))
        {
            analyze.Parameters.Add(new NpgsqlParameter { Value = name });
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }
        logger.LogInformation("Demo workspace: {Count} {Records} in {Duration} ms", count, name, Elapsed(started));
    }

    /// <summary>
    /// Moves the deals along their paths, one statement per round, as the API's move does: the deals triggers write the
    /// stage history (time in the previous stage included) from the stage and time each move sets.
    /// </summary>
    private async Task MoveDealsAsync(NpgsqlConnection connection, List<List<DealMove>> rounds, Guid userId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Chunked like the inserts: each statement stays well within the command timeout at any count.
        foreach (var moves in rounds.SelectMany(round => round.Chunk(ChunkSize)))
        {
            await using var move = new NpgsqlCommand(
                """
                UPDATE deals d
                SET stage_id = m.stage_id, stage_entered_at = m.entered_at, probability = m.probability, status = m.status,
                    updated_by = $6, updated_at = m.entered_at
                FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::integer[], $5::text[]) AS m(deal_id, stage_id, entered_at, probability, status)
                WHERE d.id = m.deal_id
                """, connection);
            move.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.DealId).ToArray() });
            move.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.StageId).ToArray() });
            move.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.EnteredAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            move.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Probability).ToArray() });
            // The statuses are one word each, so their lower case is the column's lower_snake value.
            move.Parameters.Add(new NpgsqlParameter { Value = moves.Select(m => m.Status.ToString().ToLowerInvariant()).ToArray() });
            move.Parameters.Add(new NpgsqlParameter { Value = userId });
            await move.ExecuteNonQueryAsync(cancellationToken);
        }
        logger.LogInformation("Demo workspace: {Count} deal stage moves in {Duration} ms", rounds.Sum(r => r.Count), Elapsed(started));
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
