using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Tests.Auth;
using Crm.Api.Tests.Contacts;
using Crm.Api.Tests.Imports;
using Crm.Domain;
using Crm.Domain.Ai;
using Crm.Domain.Notifications;
using Crm.Domain.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Crm.Api.Tests.Hostile;

/// <summary>
/// A cross-workspace attack on every operation of the OpenAPI document. The victim workspace holds a record of every
/// kind the API has, each carrying a secret marker; three callers acting for the attacker's workspace (another user, a
/// user who is a member of both workspaces, and an API key) put the victim's ids in every path parameter (alone and
/// beside their own ids), in every id member of every request body, in the filters of every list and in the id cells
/// of CSV imports. No answer may carry the marker or a victim id the request did not carry itself, no request
/// addressing a victim's record may succeed, none may answer 5xx, every reference must be refused on the member that
/// makes it, and afterwards the victim's rows, and every row anywhere that mentions them, are exactly as before. The
/// counts are printed.
/// </summary>
public sealed class CrossWorkspaceAttackTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    // Operations that would end the caller's own session, or that are for callers without one.
    private static readonly string[] Skipped =
    [
        "/api/v1/auth/register", "/api/v1/auth/refresh", "/api/v1/auth/logout", "/api/v1/auth/invitations/accept",
        "/api/v1/auth/sessions/revoke-others",
    ];

    // What a workspace member may legitimately do with the other workspace: sign in to it, switch to it.
    private static readonly string[] IntoTheOtherWorkspace = ["/api/v1/auth/login", "/api/v1/auth/switch"];

    // The rows of each table, by the kind of id the API's path parameters take.
    private static readonly Dictionary<string, string> KindOfTable = new()
    {
        ["companies"] = "company", ["contacts"] = "contact", ["leads"] = "lead", ["deals"] = "deal", ["pipelines"] = "pipeline",
        ["pipeline_stages"] = "stage", ["products"] = "product", ["deal_products"] = "line", ["activities"] = "activity",
        ["activity_templates"] = "template", ["tasks"] = "task", ["notes"] = "note", ["comments"] = "comment", ["tags"] = "tag",
        ["custom_field_definitions"] = "customField", ["saved_views"] = "savedView", ["territories"] = "territory",
        ["teams"] = "team", ["lead_scoring_rules"] = "rule", ["contact_relationships"] = "relationship",
        ["import_jobs"] = "import", ["api_keys"] = "apiKey", ["member_invitations"] = "invitation", ["user_sessions"] = "session",
        ["notifications"] = "notification", ["customer_segments"] = "segment",
    };

    // The kind of record an {id} takes, by the collection before it.
    private static readonly Dictionary<string, string> KindOfCollection = new()
    {
        ["companies"] = "company", ["contacts"] = "contact", ["leads"] = "lead", ["deals"] = "deal", ["pipelines"] = "pipeline",
        ["products"] = "product", ["activities"] = "activity", ["activity-templates"] = "template", ["tasks"] = "task",
        ["notes"] = "note", ["comments"] = "comment", ["tags"] = "tag", ["custom-fields"] = "customField",
        ["saved-views"] = "savedView", ["territories"] = "territory", ["teams"] = "team", ["lead-scoring-rules"] = "rule",
        ["imports"] = "import", ["api-keys"] = "apiKey", ["invitations"] = "invitation", ["sessions"] = "session",
        ["notifications"] = "notification", ["segments"] = "segment",
    };

    // The kind of record an id member of a request body names.
    private static readonly Dictionary<string, string> KindOfMember = new()
    {
        ["companyId"] = "company", ["parentCompanyId"] = "company", ["contactId"] = "contact", ["relatedContactId"] = "contact",
        ["dealId"] = "deal", ["leadId"] = "lead", ["pipelineId"] = "pipeline", ["stageId"] = "stage", ["productId"] = "product",
        ["templateId"] = "template", ["territoryId"] = "territory", ["parentTerritoryId"] = "territory", ["teamId"] = "team",
        ["parentTeamId"] = "team", ["parentCommentId"] = "comment", ["ownerId"] = "user", ["managerId"] = "user",
        ["assignedTo"] = "user", ["mentions"] = "user", ["watcherIds"] = "user", ["userId"] = "user", ["recipientId"] = "user",
        ["workspaceId"] = "workspace",
    };

    // The records a comment (entityType + entityId) may be on.
    private static readonly string[] CommentedKinds = ["note", "task", "activity", "deal"];

    // Tables that keep what a caller sent, in the caller's workspace: the security log (refused requests, with their
    // paths) and an import's file and error report (the cells). The attacker's own rows there quote the victim's ids
    // the attacker sent; only the victim's own rows of these tables are compared.
    private static readonly string[] QuoteTheCaller = ["security_logs", "import_job_files", "import_job_errors"];

    private const int IdsPerKind = 6;

    [Fact]
    public async Task Another_workspace_gets_nothing_of_a_workspace_from_any_operation()
    {
        var victimOwner = await SignedIn.RegisterAsync(api, "Victim");
        await victimOwner.InviteNewMemberAsync("admin");
        var victimMarker = Marker("Vsecret");
        await SeedAsync(victimOwner, victimMarker, everyKind: true);

        var attackerOwner = await SignedIn.RegisterAsync(api, "Attacker");
        var stranger = await attackerOwner.InviteNewMemberAsync("admin");
        var own = await SeedAsync(attackerOwner, Marker("Aown"), everyKind: false);
        var apiKey = (await attackerOwner.CreateApiKeyAsync(["read", "write"], name: "Attacker's key")).GetProperty("key").GetString()!;
        // The attacker's owner is a member of the victim's workspace too: the token's workspace decides, not the person.
        await SignedIn.ExecuteAsync(api,
            "INSERT INTO workspace_members (id, workspace_id, user_id, role, record_scope, status) VALUES ($1, $2, $3, 'admin', 'all', 'active')",
            Guid.CreateVersion7(), victimOwner.WorkspaceId, attackerOwner.UserId);

        var victim = await OwnedIdsAsync(victimOwner.WorkspaceId, except: attackerOwner.UserId);
        var ownIds = await OwnedIdsAsync(attackerOwner.WorkspaceId, except: Guid.Empty);
        ownIds["user"] = [attackerOwner.UserId];
        foreach (var (kind, id) in own.Where(o => o.Value != Guid.Empty))
        {
            ownIds[kind] = [id, .. ownIds.GetValueOrDefault(kind) ?? []];
        }
        var victimSecrets = victim.Values.SelectMany(ids => ids).Select(id => id.ToString()).Append(victimMarker).ToList();
        var before = await SnapshotAsync(victimOwner.WorkspaceId, [.. victimSecrets, victimOwner.WorkspaceId.ToString()]);

        using var anonymous = api.CreateClient();
        var operations = await OpenApiOperations.ReadAsync(anonymous);
        var attackers = new Attacker[]
        {
            new("another user of the attacker's workspace", stranger.Client, stranger.AccessToken, stranger.Email, MemberOfBoth: false),
            new("a member of both workspaces, acting for the attacker's", attackerOwner.Client, attackerOwner.AccessToken, attackerOwner.Email, MemberOfBoth: true),
            new("an API key of the attacker's workspace", attackerOwner.Client, apiKey, Email: null, MemberOfBoth: false),
        };

        var tally = new Tally();
        var unmapped = new SortedSet<string>();
        foreach (var attacker in attackers)
        {
            // Who is a member of both sees the victim workspace's id and name in their own account (GET /auth/me).
            var secrets = attacker.MemberOfBoth ? victimSecrets : [.. victimSecrets, victimOwner.WorkspaceId.ToString()];
            var plan = Plan(operations, victim, ownIds, victimOwner.WorkspaceId, victimMarker[..7], attacker, unmapped);
            var statuses = await RunAsync(attacker, plan, secrets, tally);
            // The credential still works after the run: had it stopped working, the refusals would have proved nothing.
            using (var check = new HttpRequestMessage(HttpMethod.Get, "/api/v1/companies?limit=1"))
            {
                check.Headers.Authorization = new AuthenticationHeaderValue("Bearer", attacker.Credential);
                using var answer = await attacker.Client.SendAsync(check);
                Assert.True((int)answer.StatusCode == 200, $"{attacker.Name}: the credential no longer works after the attack ({(int)answer.StatusCode})");
            }
            output.WriteLine($"{attacker.Name}: {plan.Count} requests; " + string.Join("; ", statuses.Select(c =>
                $"{c.Key} {c.Value.Values.Sum()} ({string.Join(", ", c.Value.Select(s => $"{s.Key}: {s.Value}"))})")));
        }
        // CSV imports name records by id too, in their cells.
        foreach (var importer in new[] { stranger, attackerOwner })
        {
            await ImportAttackAsync(importer, victim, [.. victimSecrets, victimOwner.WorkspaceId.ToString()], tally);
        }
        var after = await SnapshotAsync(victimOwner.WorkspaceId, [.. victimSecrets, victimOwner.WorkspaceId.ToString()]);

        output.WriteLine($"{tally.Sent} cross-workspace requests over {operations.All.Count} operations, {victim.Values.Sum(v => v.Count)} victim ids " +
                         $"of {victim.Count} kinds: " + string.Join(", ", tally.Statuses.Select(s => $"{s.Key}: {s.Value}")));
        output.WriteLine($"leaks: {tally.Leaks.Count}, victim's records addressed with success: {tally.Accepted.Count}, 5xx: {tally.Errors.Count}, " +
                         $"victim's tables changed: {before.Keys.Count(t => before[t] != after[t])} of {before.Count}");
        foreach (var table in before.Keys.Where(t => before[t] != after[t]))
        {
            output.WriteLine($"changed: {table}: {before[table]} → {after[table]}");
        }
        output.WriteLine($"CSV imports: {tally.ImportedRows} rows naming a victim's record in {tally.Imports} files, refused on that cell: {tally.ImportRowsRefused}");
        output.WriteLine($"body references refused with a 400 on the member that names the victim's record: {tally.RefusedOnTheMember}, " +
                         $"on something else: {tally.RefusedElsewhere.Count}");
        foreach (var failure in tally.Leaks.Concat(tally.Accepted).Concat(tally.Errors).Concat(tally.RefusedElsewhere).Take(60))
        {
            output.WriteLine(failure);
        }
        Assert.True(unmapped.Count == 0, "id members or parameters without a kind (add them to the maps): " + string.Join(", ", unmapped));
        Assert.True(tally.Leaks.Count == 0, "leaks:\n" + string.Join("\n", tally.Leaks.Take(30)));
        Assert.True(tally.Accepted.Count == 0, "requests addressing the victim's records that succeeded:\n" + string.Join("\n", tally.Accepted.Take(30)));
        Assert.True(tally.Errors.Count == 0, "5xx answers:\n" + string.Join("\n", tally.Errors.Take(30)));
        // A reference refused for something else proves nothing: the base body of that operation is out of date.
        Assert.Equal(tally.ImportedRows, tally.ImportRowsRefused);
        Assert.True(tally.RefusedElsewhere.Count == 0, "400s not on the member naming the victim's record (fix BaseBody):\n" + string.Join("\n", tally.RefusedElsewhere.Take(30)));
        Assert.Equal(before, after);

        // And the victim still reads its own records, as they were.
        using var list = await victimOwner.SendAsync(HttpMethod.Get, "/api/v1/companies?q=" + victimMarker);
        Assert.Equal(2, (await SignedIn.ReadAsync<JsonElement>(list)).GetProperty("data").GetArrayLength());
    }

    /// <summary>Sends the plan as the attacker, a few requests at a time; answers the statuses by category and adds up the findings.</summary>
    private static async Task<SortedDictionary<string, SortedDictionary<int, int>>> RunAsync(Attacker attacker, List<Attack> plan, List<string> secrets, Tally tally)
    {
        var statuses = new SortedDictionary<string, SortedDictionary<int, int>>(StringComparer.Ordinal);
        // A few at a time: the server is shared with the test classes running beside this one.
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (attack, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(attack.Method, attack.Path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", attacker.Credential);
            if (attack.Body is not null)
            {
                request.Content = new StringContent(attack.Body, Encoding.UTF8, attack.Method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
            }
            if (attack.Method == HttpMethod.Patch || attack.Method == HttpMethod.Delete || attack.Method == HttpMethod.Put)
            {
                // A precondition that always holds, so that only the record's workspace stands in the way.
                request.Headers.TryAddWithoutValidation("If-Match", "*");
            }
            using var response = await attacker.Client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            var answer = response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync(cancellationToken);
            var asked = attack.Path + "\n" + attack.Body;
            var what = $"{attacker.Name}: {status} {attack.Method} {attack.Path} {Shorten(attack.Body, 300)}";
            // A victim's id the request carried may come back (a problem's "instance" is the path); the marker never may.
            var leaked = secrets.FirstOrDefault(s => answer.Contains(s, StringComparison.OrdinalIgnoreCase) && !asked.Contains(s, StringComparison.OrdinalIgnoreCase));
            lock (tally)
            {
                var byStatus = statuses.TryGetValue(attack.Category, out var counts) ? counts : statuses[attack.Category] = [];
                byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
                tally.Statuses[status] = tally.Statuses.GetValueOrDefault(status) + 1;
                tally.Sent++;
                if (leaked is not null)
                {
                    tally.Leaks.Add($"{what} → {leaked} in {Shorten(answer, 600)}");
                }
                if (attack.AddressesVictim && status is >= 200 and < 300)
                {
                    tally.Accepted.Add($"{what} → {Shorten(answer, 300)}");
                }
                if (status >= 500)
                {
                    tally.Errors.Add($"{what} → {Shorten(answer, 300)}");
                }
                if (attack.Category == "body" && status == 400)
                {
                    if (answer.Contains($"{attack.Member}\"", StringComparison.Ordinal) || answer.Contains($"{attack.Member}[", StringComparison.Ordinal) ||
                        answer.Contains($"{attack.Member}.", StringComparison.Ordinal))
                    {
                        tally.RefusedOnTheMember++;
                    }
                    else
                    {
                        tally.RefusedElsewhere.Add($"{what} → {Shorten(answer, 400)}");
                    }
                }
            }
        });
        return statuses;
    }

    /// <summary>
    /// Imports (as the attacker's member) contacts, companies and leads whose id cells name the victim's records and
    /// members, one per row: every row fails on that cell, and neither the job nor its error report shows the victim's data.
    /// </summary>
    private static async Task ImportAttackAsync(SignedIn attacker, Dictionary<string, List<Guid>> victim, List<string> secrets, Tally tally)
    {
        var imports = new ImportApi(new ContactApi(attacker.Companies));
        var files = new (string ObjectType, string Header, string[] Rows)[]
        {
            ("contacts", "firstName,lastName,companyId,ownerId", [$"Attack,One,{victim["company"][0]},", $"Attack,Two,,{victim["user"][0]}"]),
            ("companies", "name,parentCompanyId,territoryId,ownerId",
                [$"Attack one,{victim["company"][0]},,", $"Attack two,,{victim["territory"][0]},", $"Attack three,,,{victim["user"][0]}"]),
            ("leads", "lastName,companyName,ownerId", [$"Attack,Attack Ltd,{victim["user"][0]}"]),
        };
        foreach (var (objectType, header, rows) in files)
        {
            var job = (await imports.WaitAsync(ImportApi.Id(await imports.StartAsync(ImportApi.Csv(header, rows), objectType)))).Last();
            var errors = await imports.ErrorsAsync(ImportApi.Id(job));
            var answers = job.GetRawText() + string.Join("\n", errors.Select(e => e.GetRawText()));
            var asked = string.Join("\n", rows);
            var leaked = secrets.FirstOrDefault(s => answers.Contains(s, StringComparison.OrdinalIgnoreCase) && !asked.Contains(s, StringComparison.OrdinalIgnoreCase));
            if (leaked is not null)
            {
                tally.Leaks.Add($"import of {objectType} → {leaked} in {Shorten(answers, 600)}");
            }
            tally.Imports++;
            tally.ImportedRows += rows.Length;
            // Each row (data rows start at line 2) fails on the field of its one cell that holds an id.
            tally.ImportRowsRefused += rows.Select((row, i) => (Row: i + 2, Column: header.Split(',')[Array.FindLastIndex(row.Split(','), cell => Guid.TryParse(cell, out _))]))
                .Count(expected => errors.Any(e => e.GetProperty("row").GetInt32() == expected.Row && e.GetProperty("outcome").GetString() == "failed" &&
                                                   e.GetProperty("field").GetString() == expected.Column));
            Assert.Equal(0, ImportApi.Count(job, "rowsCreated") + ImportApi.Count(job, "rowsUpdated"));
        }
    }

    /// <summary>Every request of the attack, for one attacker.</summary>
    private static List<Attack> Plan(
        OpenApiOperations operations, Dictionary<string, List<Guid>> victim, Dictionary<string, List<Guid>> own, Guid victimWorkspace,
        string markerPrefix, Attacker attacker, SortedSet<string> unmapped)
    {
        victim = new Dictionary<string, List<Guid>>(victim) { ["workspace"] = [victimWorkspace] };
        var plan = new List<Attack>();
        foreach (var operation in operations.All)
        {
            if (Skipped.Contains(operation.Path) || (attacker.MemberOfBoth && IntoTheOtherWorkspace.Contains(operation.Path)) ||
                (attacker.Email is null && operation.Path == "/api/v1/auth/login"))
            {
                continue;
            }
            var segments = operation.Path.Split('/');
            var parameters = Enumerable.Range(0, segments.Length).Where(i => segments[i].StartsWith('{')).ToList();
            var kinds = parameters.ToDictionary(i => i, i => ParameterKind(segments, i));
            foreach (var missing in kinds.Where(k => k.Value is null && segments[k.Key] != "{reaction}"))
            {
                unmapped.Add($"{segments[missing.Key]} in {operation.Path}");
            }
            foreach (var missing in kinds.Values.Where(k => k is not null && !victim.ContainsKey(k)))
            {
                unmapped.Add($"no victim record of kind {missing} for {operation.Path}");
            }
            var takesJson = OpenApiOperations.TakesJson(operation);
            var baseBody = takesJson ? BaseBody(operation, own, attacker) : null;

            // 1. The victim's ids in the path: all of them, then one at a time beside the attacker's own.
            if (parameters.Count > 0 && kinds.Values.All(k => k is null || victim.ContainsKey(k)) && kinds.Values.Any(k => k is not null))
            {
                var count = kinds.Values.Where(k => k is not null).Max(k => Math.Min(IdsPerKind, victim[k!].Count));
                for (var n = 0; n < count; n++)
                {
                    plan.Add(new Attack("path", operation.Method, Fill(segments, kinds, k => victim[k][n % victim[k].Count]), Json(baseBody), AddressesVictim: true));
                }
                foreach (var alone in kinds.Where(k => k.Value is not null && kinds.Values.Count(v => v is not null) > 1))
                {
                    if (kinds.Where(k => k.Key != alone.Key && k.Value is not null).All(k => own.ContainsKey(k.Value!)))
                    {
                        plan.Add(new Attack("path", operation.Method, Fill(segments, kinds, (k, i) => i == alone.Key ? victim[k][0] : own[k][0]), Json(baseBody), AddressesVictim: true));
                    }
                }
            }
            if (kinds.Values.Any(k => k is not null && !own.ContainsKey(k)))
            {
                continue;
            }
            var ownPath = Fill(segments, kinds, k => own[k][0]);

            // 2. The victim's ids in every id member of the body, on the attacker's own records.
            if (baseBody is not null)
            {
                var members = operations.BodyMembers(operation);
                foreach (var (name, schema) in members)
                {
                    if (name == "entityId")
                    {
                        foreach (var kind in CommentedKinds.Where(victim.ContainsKey))
                        {
                            plan.Add(BodyAttack(operation, ownPath, baseBody, new() { ["entityType"] = kind, ["entityId"] = victim[kind][0] }));
                        }
                        continue;
                    }
                    if (!KindOfMember.TryGetValue(name, out var memberKind))
                    {
                        if (name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal))
                        {
                            unmapped.Add($"{name} in {operation.Method} {operation.Path}");
                        }
                        continue;
                    }
                    var isList = schema.TryGetProperty("type", out var type) && type.ToString().Contains("array", StringComparison.Ordinal);
                    foreach (var id in victim.GetValueOrDefault(memberKind, []).Take(2))
                    {
                        plan.Add(BodyAttack(operation, ownPath, baseBody, new() { [name] = isList ? new JsonArray(id.ToString()) : id.ToString() }));
                    }
                }
                foreach (var nested in NestedReferences(operation.Path, victim))
                {
                    plan.Add(BodyAttack(operation, ownPath, baseBody, nested));
                }
                // A workspace named outright, by a member the body does not have: refused, or ignored (the snapshot at the
                // end shows that nothing naming the victim's workspace was stored).
                if (operation.Method == HttpMethod.Post && members.All(m => m.Name != "workspaceId"))
                {
                    plan.Add(BodyAttack(operation, ownPath, baseBody, new() { ["workspaceId"] = victimWorkspace.ToString() }, "smuggled workspaceId", addressesVictim: false));
                }
            }

            // 3. Lists filtered by the victim's ids and searched for its marker.
            if (operation.Method == HttpMethod.Get && !segments[^1].StartsWith('{'))
            {
                plan.AddRange(Queries(operations, operation, victim, markerPrefix).Select(query => new Attack("query", HttpMethod.Get, ownPath + query, null, AddressesVictim: false)));
            }
        }
        return plan;
    }

    private static string? ParameterKind(string[] segments, int index) => segments[index] switch
    {
        "{companyId}" => "company",
        "{contactId}" => "contact",
        "{dealId}" => "deal",
        "{pipelineId}" => "pipeline",
        "{stageId}" => "stage",
        "{lineId}" => "line",
        "{relationshipId}" => "relationship",
        "{tagId}" => "tag",
        "{teamId}" => "team",
        "{userId}" => "user",
        "{id}" => KindOfCollection.GetValueOrDefault(segments[index - 1]),
        _ => null,
    };

    private static string Fill(string[] segments, Dictionary<int, string?> kinds, Func<string, Guid> id) => Fill(segments, kinds, (k, _) => id(k));

    private static string Fill(string[] segments, Dictionary<int, string?> kinds, Func<string, int, Guid> id) =>
        string.Join('/', segments.Select((segment, i) => kinds.TryGetValue(i, out var kind)
            ? kind is null ? "%F0%9F%91%8D" : id(kind, i).ToString()
            : segment));

    private static Attack BodyAttack(ApiOperation operation, string path, JsonObject baseBody, JsonObject references, string category = "body", bool addressesVictim = true)
    {
        var body = (JsonObject)baseBody.DeepClone();
        foreach (var (name, value) in references)
        {
            body[name] = value?.DeepClone();
        }
        return new Attack(category, operation.Method, path, Json(OpenApiOperations.IsBatch(operation) ? new JsonObject { ["items"] = new JsonArray(body) } : body), addressesVictim,
            references.Select(r => r.Key).Last());
    }

    /// <summary>A body the attacker's workspace would accept for the operation (with the attacker's own ids), where one is needed.</summary>
    private static JsonObject BaseBody(ApiOperation operation, Dictionary<string, List<Guid>> own, Attacker attacker)
    {
        string Own(string kind) => own[kind][0].ToString();
        var path = operation.Path.Replace("/batch", "", StringComparison.Ordinal);
        return path switch
        {
            "/api/v1/companies" or "/api/v1/companies/{id}" => new() { ["name"] = "Attack" },
            "/api/v1/contacts" or "/api/v1/contacts/{id}" => new() { ["firstName"] = "Attack" },
            "/api/v1/leads" or "/api/v1/leads/{id}" => new() { ["lastName"] = "Attack", ["companyName"] = "Attack" },
            "/api/v1/deals" or "/api/v1/deals/{id}" => new() { ["name"] = "Attack", ["pipelineId"] = Own("pipeline"), ["stageId"] = Own("stage") },
            "/api/v1/deals/{id}/move" => new() { ["stageId"] = Own("stage2") },
            "/api/v1/deals/{dealId}/products" or "/api/v1/deals/{dealId}/products/{lineId}" => new() { ["name"] = "Attack", ["quantity"] = 1, ["unitPrice"] = 1 },
            "/api/v1/products" or "/api/v1/products/{id}" => new() { ["name"] = "Attack", ["unitPrice"] = 1 },
            "/api/v1/lead-scoring-rules" or "/api/v1/lead-scoring-rules/{id}" => new()
            {
                ["name"] = "Attack", ["ruleType"] = "demographic", ["field"] = "title", ["operator"] = "contains", ["value"] = "x", ["points"] = 1,
            },
            "/api/v1/activities" or "/api/v1/activities/{id}" => new() { ["type"] = "call", ["subject"] = "Attack", ["contactId"] = Own("contact") },
            "/api/v1/activity-templates" or "/api/v1/activity-templates/{id}" => new() { ["name"] = "Attack", ["type"] = "call" },
            "/api/v1/tasks" or "/api/v1/tasks/{id}" => new() { ["title"] = "Attack" },
            "/api/v1/notes" or "/api/v1/notes/{id}" => new() { ["content"] = "Attack", ["contactId"] = Own("contact") },
            "/api/v1/comments" => new() { ["entityType"] = "note", ["entityId"] = Own("note"), ["content"] = "Attack" },
            "/api/v1/comments/{id}" => new() { ["content"] = "Attack" },
            "/api/v1/custom-fields" or "/api/v1/custom-fields/{id}" => new() { ["objectType"] = "company", ["key"] = "attack", ["label"] = "Attack", ["fieldType"] = "text" },
            "/api/v1/saved-views" or "/api/v1/saved-views/{id}" => new() { ["name"] = "Attack", ["objectType"] = "contact" },
            "/api/v1/pipelines" or "/api/v1/pipelines/{id}" or "/api/v1/pipelines/{pipelineId}/stages" or "/api/v1/pipelines/{pipelineId}/stages/{stageId}" or
                "/api/v1/tags" or "/api/v1/tags/{id}" or "/api/v1/territories" or "/api/v1/territories/{id}" or "/api/v1/teams" or "/api/v1/teams/{id}" => new() { ["name"] = "Attack" },
            "/api/v1/companies/{companyId}/contacts/{contactId}" => new() { ["role"] = "Attack" },
            "/api/v1/contacts/{contactId}/relationships" => new() { ["relatedContactId"] = Own("contact2"), ["type"] = "colleague" },
            "/api/v1/members/{userId}" => new() { ["role"] = "viewer" },
            "/api/v1/members/invitations" => new() { ["email"] = AuthApi.NewEmail("attack"), ["role"] = "viewer", ["recordScope"] = "all" },
            "/api/v1/api-keys" => new() { ["name"] = "Attack", ["scopes"] = new JsonArray("read") },
            "/api/v1/workspace" => new() { ["name"] = "Attacker" },
            "/api/v1/auth/login" => new() { ["email"] = attacker.Email, ["password"] = AuthApi.Password, ["workspaceId"] = own["workspace"][0].ToString() },
            "/api/v1/auth/switch" => new() { ["workspaceId"] = own["workspace"][0].ToString() },
            _ => [],
        };
    }

    /// <summary>References deeper in a body than its top-level members: an activity's participants and reminders, a conversion's deal.</summary>
    private static IEnumerable<JsonObject> NestedReferences(string path, Dictionary<string, List<Guid>> victim)
    {
        string Victim(string kind) => victim[kind][0].ToString();
        if (path is "/api/v1/activities" or "/api/v1/activities/{id}" or "/api/v1/activities/batch")
        {
            yield return new() { ["participants"] = new JsonArray(new JsonObject { ["contactId"] = Victim("contact") }) };
            yield return new() { ["participants"] = new JsonArray(new JsonObject { ["userId"] = Victim("user") }) };
            yield return new()
            {
                ["scheduledAt"] = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
                ["reminders"] = new JsonArray(new JsonObject { ["minutesBefore"] = 15, ["recipientId"] = Victim("user") }),
            };
        }
        if (path == "/api/v1/leads/{id}/convert")
        {
            yield return new() { ["deal"] = new JsonObject { ["name"] = "Attack", ["pipelineId"] = Victim("pipeline"), ["stageId"] = Victim("stage") } };
            yield return new() { ["deal"] = new JsonObject { ["name"] = "Attack", ["ownerId"] = Victim("user") } };
        }
    }

    /// <summary>
    /// Query strings that filter a list by the victim's ids (by each id member its items have, and by its declared
    /// <c>entityType</c>/<c>entityId</c> parameters) or search it for the victim's marker.
    /// </summary>
    private static IEnumerable<string> Queries(OpenApiOperations operations, ApiOperation operation, Dictionary<string, List<Guid>> victim, string markerPrefix)
    {
        var items = operations.ListItemMembers(operation);
        var parameters = OpenApiOperations.QueryParameters(operation);
        if (items.Count == 0 && parameters.Count == 0)
        {
            yield break;
        }
        yield return "?q=" + markerPrefix;
        yield return "?filter[id][in]=" + string.Join(',', victim.Where(k => k.Key != "workspace").SelectMany(k => k.Value.Take(3)).Take(50));
        foreach (var member in items)
        {
            if (KindOfMember.TryGetValue(member, out var kind) && victim.ContainsKey(kind))
            {
                yield return $"?filter[{member}]={victim[kind][0]}";
            }
            else if (member is "createdBy" or "updatedBy" or "invitedBy")
            {
                yield return $"?filter[{member}]={victim["user"][0]}";
            }
        }
        if (parameters.Contains("entityId"))
        {
            foreach (var kind in new[] { "company", "contact", "deal", "lead", "note", "task", "activity" })
            {
                yield return $"?entityType={kind}&entityId={victim[kind][0]}";
            }
        }
        else if (items.Contains("entityId"))
        {
            yield return $"?filter[entityId]={victim["activity"][0]}";
        }
    }

    /// <summary>
    /// Fills a workspace with a record of every kind the API has, each carrying the marker (but an import, a notification
    /// and a segment unless <paramref name="everyKind"/>: the attacker's own need none); answers the ids by kind.
    /// </summary>
    private async Task<Dictionary<string, Guid>> SeedAsync(SignedIn owner, string marker, bool everyKind)
    {
        var ids = new Dictionary<string, Guid> { ["workspace"] = owner.WorkspaceId };
        async Task<Guid> CreateAsync(string kind, string path, object body, HttpMethod? method = null)
        {
            using var response = await owner.SendAsync(method ?? HttpMethod.Post, path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
            return ids[kind] = JsonSerializer.Deserialize<JsonElement>(text).TryGetProperty("id", out var id) ? id.GetGuid() : Guid.Empty;
        }
        async Task DeleteAsync(string path)
        {
            using var response = await owner.SendAsync(HttpMethod.Delete, path, ifMatch: "*");
            Assert.True(response.IsSuccessStatusCode, $"DELETE {path}: {(int)response.StatusCode}");
        }

        var company = await CreateAsync("company", "/api/v1/companies", new { name = $"{marker} Company", description = marker, domain = $"{marker}.example.com" });
        var child = await CreateAsync("childCompany", "/api/v1/companies", new { name = $"{marker} Subsidiary", parentCompanyId = company });
        await DeleteAsync($"/api/v1/companies/{await CreateAsync("deletedCompany", "/api/v1/companies", new { name = $"{marker} Gone" })}");
        var contact = await CreateAsync("contact", "/api/v1/contacts", new { firstName = marker, lastName = "Contact", email = $"{marker}@example.com", companyId = company });
        var contact2 = await CreateAsync("contact2", "/api/v1/contacts", new { firstName = marker, lastName = "Colleague" });
        await DeleteAsync($"/api/v1/contacts/{await CreateAsync("deletedContact", "/api/v1/contacts", new { firstName = marker, lastName = "Gone" })}");
        await CreateAsync("relationship", $"/api/v1/contacts/{contact}/relationships", new { relatedContactId = contact2, type = "colleague", description = marker });
        await CreateAsync("link", $"/api/v1/companies/{child}/contacts/{contact2}", new { role = marker }, HttpMethod.Put);
        var pipeline = await CreateAsync("pipeline", "/api/v1/pipelines", new { name = $"{marker} Pipeline" });
        var stage = await CreateAsync("stage", $"/api/v1/pipelines/{pipeline}/stages", new { name = $"{marker} Stage", defaultProbability = 10 });
        var stage2 = await CreateAsync("stage2", $"/api/v1/pipelines/{pipeline}/stages", new { name = $"{marker} Next", defaultProbability = 50 });
        var product = await CreateAsync("product", "/api/v1/products", new { name = $"{marker} Product", unitPrice = 10 });
        var deal = await CreateAsync("deal", "/api/v1/deals", new { name = $"{marker} Deal", value = 1000, pipelineId = pipeline, stageId = stage, companyId = company, contactId = contact });
        await CreateAsync("line", $"/api/v1/deals/{deal}/products", new { productId = product, quantity = 2, unitPrice = 10, description = marker });
        using (var move = await owner.SendAsync(HttpMethod.Post, $"/api/v1/deals/{deal}/move", new { stageId = stage2 }))
        {
            Assert.True(move.IsSuccessStatusCode, $"move: {(int)move.StatusCode}");
        }
        var lead = await CreateAsync("lead", "/api/v1/leads", new { firstName = marker, lastName = "Lead", companyName = $"{marker} Ltd", email = $"{marker}@lead.example.com" });
        await CreateAsync("rule", "/api/v1/lead-scoring-rules", new { name = $"{marker} Rule", ruleType = "demographic", field = "title", @operator = "contains", value = marker, points = 5 });
        await CreateAsync("template", "/api/v1/activity-templates", new { name = $"{marker} Template", type = "call", subjectTemplate = marker });
        var activity = await CreateAsync("activity", "/api/v1/activities", new
        {
            type = "meeting", subject = $"{marker} Meeting", contactId = contact, companyId = company, dealId = deal, leadId = lead,
            scheduledAt = DateTimeOffset.UtcNow.AddDays(7),
            participants = new object[] { new { contactId = contact }, new { email = $"{marker}@guest.example.com" } },
            reminders = new object[] { new { minutesBefore = 30 } },
        });
        await CreateAsync("task", "/api/v1/tasks", new { title = $"{marker} Task", contactId = contact, dealId = deal });
        var note = await CreateAsync("note", "/api/v1/notes", new { content = $"{marker} note", companyId = company });
        var comment = await CreateAsync("comment", "/api/v1/comments", new { entityType = "note", entityId = note, content = $"{marker} comment" });
        await CreateAsync("reaction", $"/api/v1/comments/{comment}/reactions/%F0%9F%91%8D", new { }, HttpMethod.Put);
        var tag = await CreateAsync("tag", "/api/v1/tags", new { name = $"{marker} Tag" });
        foreach (var tagged in new[] { $"/api/v1/companies/{company}", $"/api/v1/contacts/{contact}", $"/api/v1/deals/{deal}", $"/api/v1/leads/{lead}" })
        {
            using var response = await owner.SendAsync(HttpMethod.Put, $"{tagged}/tags/{tag}");
            Assert.True(response.IsSuccessStatusCode, $"tag {tagged}: {(int)response.StatusCode}");
        }
        await CreateAsync("customField", "/api/v1/custom-fields", new { objectType = "company", key = "f" + marker[^10..].ToLowerInvariant(), label = marker, fieldType = "text" });
        await CreateAsync("savedView", "/api/v1/saved-views", new { name = $"{marker} View", objectType = "contact", q = marker });
        await CreateAsync("territory", "/api/v1/territories", new { name = $"{marker} Territory" });
        var team = await CreateAsync("team", "/api/v1/teams", new { name = $"{marker} Team", managerId = owner.UserId });
        using (var member = await owner.SendAsync(HttpMethod.Put, $"/api/v1/teams/{team}/members/{owner.UserId}", new { }))
        {
            Assert.True(member.IsSuccessStatusCode, $"team member: {(int)member.StatusCode}");
        }
        await owner.InviteAsync($"{marker}@invited.example.com".ToLowerInvariant(), "viewer");
        await owner.CreateApiKeyAsync(["read"], name: $"{marker} Key");

        if (!everyKind)
        {
            return ids;
        }

        // An import with a row that fails, so that the job has errors to list.
        var imports = new ImportApi(new ContactApi(owner.Companies));
        var job = await imports.ImportAsync(ImportApi.Csv("firstName,lastName,email", [$"{marker},Imported,{marker}@imported.example.com", $"{marker},Broken,not-an-email"]));
        Assert.Equal(1, ImportApi.Count(job, "rowsFailed"));

        // A notification and a segment, stored as the reminder dispatcher and the AI worker store them.
        await using var db = await api.Services.GetRequiredService<IDbContextFactory<CrmDbContext>>().CreateDbContextAsync();
        db.UseSession(new TenantSession(owner.WorkspaceId, null));
        var segment = new CustomerSegment { WorkspaceId = owner.WorkspaceId, SegmentType = SegmentType.Rfm, Key = "champions", Name = $"{marker} Champions", RefreshedAt = DateTimeOffset.UtcNow };
        db.CustomerSegments.Add(segment);
        db.CustomerSegmentMembers.Add(new CustomerSegmentMember { WorkspaceId = owner.WorkspaceId, SegmentId = segment.Id, EntityType = "company", EntityId = company });
        db.Notifications.Add(new Notification
        {
            WorkspaceId = owner.WorkspaceId, UserId = owner.UserId, Kind = NotificationKind.Reminder, Title = $"Reminder: {marker}",
            EntityType = "activity", EntityId = activity, SourceId = Guid.CreateVersion7(), CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return ids;
    }

    /// <summary>
    /// The ids of every row the workspace owns (read as the superuser, from every table with an <c>id</c> and a
    /// <c>workspace_id</c>), by kind where a path parameter takes them, and its members' user ids (but <paramref name="except"/>).
    /// </summary>
    private async Task<Dictionary<string, List<Guid>>> OwnedIdsAsync(Guid workspaceId, Guid except)
    {
        var ids = new Dictionary<string, List<Guid>>();
        foreach (var table in await TablesAsync("id", "workspace_id"))
        {
            await using var command = api.Database.DataSource.CreateCommand($"SELECT id FROM \"{table}\" WHERE workspace_id = $1 AND pg_typeof(id) = 'uuid'::regtype ORDER BY id");
            command.Parameters.AddWithValue(workspaceId);
            await using var reader = await command.ExecuteReaderAsync();
            var kind = KindOfTable.GetValueOrDefault(table, "row of " + table);
            while (await reader.ReadAsync())
            {
                (ids.TryGetValue(kind, out var list) ? list : ids[kind] = []).Add(reader.GetGuid(0));
            }
        }
        await using (var members = api.Database.DataSource.CreateCommand("SELECT user_id FROM workspace_members WHERE workspace_id = $1 AND user_id <> $2 ORDER BY user_id"))
        {
            members.Parameters.AddWithValue(workspaceId);
            members.Parameters.AddWithValue(except);
            await using var reader = await members.ExecuteReaderAsync();
            ids["user"] = [];
            while (await reader.ReadAsync())
            {
                ids["user"].Add(reader.GetGuid(0));
            }
        }
        return ids;
    }

    /// <summary>
    /// Per table: the number and an md5 of the rows the workspace owns and of every row anywhere that mentions one of
    /// <paramref name="secrets"/> (its ids and marker), read as the superuser.
    /// </summary>
    private async Task<SortedDictionary<string, string>> SnapshotAsync(Guid workspaceId, List<string> secrets)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var owned = (await TablesAsync("workspace_id")).ToHashSet();
        var pattern = string.Join('|', secrets);
        foreach (var table in await TablesAsync())
        {
            var where = QuoteTheCaller.Contains(table) ? "t.workspace_id = $1 AND $2 <> ''"
                : owned.Contains(table) ? "t.workspace_id = $1 OR t::text ~* $2"
                : "$1::uuid IS NOT NULL AND t::text ~* $2";
            await using var command = api.Database.DataSource.CreateCommand(
                $"SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t WHERE {where}");
            command.Parameters.AddWithValue(workspaceId);
            command.Parameters.AddWithValue(pattern);
            snapshot[table] = (string)(await command.ExecuteScalarAsync())!;
        }
        return snapshot;
    }

    /// <summary>The tables of the public schema that have all the given columns.</summary>
    private async Task<List<string>> TablesAsync(params string[] columns)
    {
        await using var command = api.Database.DataSource.CreateCommand(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
              AND (SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = ANY($1) AND NOT a.attisdropped) = cardinality($1)
            ORDER BY c.relname
            """);
        command.Parameters.AddWithValue(columns);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }

    private static string Marker(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];

    private static string? Json(JsonNode? node) => node?.ToJsonString();

    private static string Shorten(string? text, int length) => text is null ? "" : text.Length <= length ? text : text[..length] + "…";

    /// <summary>What the attack found, over all attackers.</summary>
    private sealed class Tally
    {
        public int Sent { get; set; }

        public SortedDictionary<int, int> Statuses { get; } = [];

        public List<string> Leaks { get; } = [];

        public List<string> Accepted { get; } = [];

        public List<string> Errors { get; } = [];

        public int RefusedOnTheMember { get; set; }

        public List<string> RefusedElsewhere { get; } = [];

        public int Imports { get; set; }

        public int ImportedRows { get; set; }

        public int ImportRowsRefused { get; set; }
    }

    private sealed record Attacker(string Name, HttpClient Client, string Credential, string? Email, bool MemberOfBoth);

    /// <summary>One request; <paramref name="Member"/> is the body member that names the victim's record, if one does.</summary>
    private sealed record Attack(string Category, HttpMethod Method, string Path, string? Body, bool AddressesVictim, string? Member = null);
}
