using System.Net;
using Crm.Api.Tests.Companies;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.Activities;

public sealed class ActivityTemplateTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly DateTimeOffset Monday = new(2030, 3, 4, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_template_is_created_read_listed_patched_deleted_and_restored_with_audit_rows()
    {
        var api = await RegisterAsync(factory);
        var templates = Templates(api.Companies);
        var (created, etag) = await templates.CreateAsync(new
        {
            name = "  Discovery call ", type = "call", subjectTemplate = "Discovery call", descriptionTemplate = "Ask about budget.",
            durationMinutes = 30, defaultPriority = "high", customFieldsTemplate = new { stage = "discovery" },
            tags = new[] { "intro", " Intro ", "" },
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Discovery call", created.GetProperty("name").GetString());
        Assert.Equal("high", created.GetProperty("defaultPriority").GetString());
        Assert.Equal(["intro"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("discovery", created.GetProperty("customFieldsTemplate").GetProperty("stage").GetString());
        Assert.True(created.GetProperty("isActive").GetBoolean());
        await templates.CreateAsync(new { name = "Demo", type = "demo", durationMinutes = 60 });

        Assert.Equal(["Demo", "Discovery call"], await ListAsync(templates));
        Assert.Equal(["Discovery call"], await ListAsync(templates, "?filter[type]=call&q=disc"));
        Assert.Equal(["Demo", "Discovery call"], await ListAsync(templates, "?sort=-durationMinutes"));

        using (var patch = await templates.SendAsync(HttpMethod.Patch, $"/{id}", new { durationMinutes = 45, isActive = false }, etag))
        {
            var patched = await templates.ReadAsync(patch);
            Assert.Equal(45, patched.GetProperty("durationMinutes").GetInt32());
            Assert.Equal("Discovery call", patched.GetProperty("subjectTemplate").GetString());
            etag = patch.Headers.ETag!.ToString();
        }
        Assert.Equal(["Discovery call"], await ListAsync(templates, "?filter[isActive]=false"));

        await AssertStatusAsync(await templates.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.NoContent);
        await AssertStatusAsync(await templates.SendAsync(HttpMethod.Get, $"/{id}"), HttpStatusCode.NotFound);
        Assert.Equal(["Demo"], await ListAsync(templates));
        using (var restore = await templates.SendAsync(HttpMethod.Post, $"/{id}/restore"))
        {
            Assert.Equal(45, (await templates.ReadAsync(restore)).GetProperty("durationMinutes").GetInt32());
        }
        var audit = await api.AuditOfAsync("activity_template", id);
        Assert.Equal(["restored", "deleted", "updated", "created"], audit.Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Invalid_templates_are_400_and_names_are_unique_regardless_of_case()
    {
        var api = await RegisterAsync(factory);
        var templates = Templates(api.Companies);
        await templates.CreateAsync(new { name = "Demo", type = "demo" });

        using (var duplicate = await templates.SendAsync(HttpMethod.Post, "/", new { name = "DEMO", type = "call" }))
        {
            Assert.True((await Auth.AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict)).GetProperty("errors").TryGetProperty("name", out _));
        }
        await AssertInvalidAsync(await templates.SendAsync(HttpMethod.Post, "/", new { name = " ", durationMinutes = 0 }), "name", "type", "durationMinutes");
        await AssertInvalidAsync(await templates.SendAsync(HttpMethod.Post, "/", new { name = "X", type = "lunch" }), "type");
        await AssertInvalidAsync(await templates.SendAsync(HttpMethod.Post, "/", new { name = "X", type = "call", defaultPriority = "asap" }), "defaultPriority");
        await AssertInvalidAsync(
            await templates.SendAsync(HttpMethod.Post, "/", new { name = new string('n', 101), type = "call", subjectTemplate = new string('s', 256) }),
            "name", "subjectTemplate");
        await AssertInvalidAsync(await templates.SendAsync(HttpMethod.Post, "/", new { name = "X", type = "call", customFieldsTemplate = "text" }), "customFieldsTemplate");
        using (var batch = await templates.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { name = "Call", type = "call" }, new { name = "call", type = "call" } },
        }))
        {
            Assert.True((await ErrorsAsync(batch)).TryGetProperty("items[1].name", out _));
        }
        Assert.Equal(["Demo"], await ListAsync(templates));
    }

    [Fact]
    public async Task Owners_admins_and_managers_write_templates_and_every_member_reads_and_uses_them()
    {
        var owner = await RegisterAsync(factory);
        var manager = await JoinAsync(factory, owner, "manager", "team");
        var rep = await JoinAsync(factory, owner, "sales_rep", "own");
        var viewer = await JoinAsync(factory, owner, "viewer");
        var (template, etag) = await Templates(owner.Companies).CreateAsync(new { name = "Demo", type = "demo", subjectTemplate = "Product demo" });
        var id = template.GetProperty("id").GetGuid();

        foreach (var member in new[] { rep, viewer })
        {
            var templates = Templates(member.Companies);
            await AssertStatusAsync(await templates.SendAsync(HttpMethod.Post, "/", new { name = "Mine", type = "call" }), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await templates.SendAsync(HttpMethod.Patch, $"/{id}", new { name = "Mine" }, etag), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await templates.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await templates.SendAsync(HttpMethod.Post, $"/{id}/restore"), HttpStatusCode.Forbidden);
            Assert.Equal(["Demo"], await ListAsync(templates));
        }
        await Templates(manager.Companies).CreateAsync(new { name = "Call", type = "call" });

        var contact = (await rep.Contacts.CreateAsync(new { firstName = "Ada" })).Company.GetProperty("id").GetGuid();
        var (activity, _) = await Activities(rep.Companies).CreateAsync(new { templateId = id, contactId = contact });
        Assert.Equal("Product demo", activity.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Another_workspace_cannot_read_change_or_use_a_template()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var (template, etag) = await Templates(victim.Companies).CreateAsync(new { name = "Demo", type = "demo", subjectTemplate = "Demo" });
        var id = template.GetProperty("id").GetGuid();
        var theirs = Templates(attacker.Companies);

        foreach (var (method, path, body, ifMatch) in new (HttpMethod, string, object?, string?)[]
                 {
                     (HttpMethod.Get, $"/{id}", null, null),
                     (HttpMethod.Patch, $"/{id}", new { name = "Pwned" }, etag),
                     (HttpMethod.Delete, $"/{id}", null, etag),
                     (HttpMethod.Post, $"/{id}/restore", null, null),
                 })
        {
            await AssertStatusAsync(await theirs.SendAsync(method, path, body, ifMatch), HttpStatusCode.NotFound);
        }
        var contact = (await attacker.Contacts.CreateAsync(new { firstName = "Spy" })).Company.GetProperty("id").GetGuid();
        await AssertInvalidAsync(await Activities(attacker.Companies).SendAsync(HttpMethod.Post, "/", new { templateId = id, contactId = contact }), "templateId");
        Assert.Empty(await ListAsync(theirs));
        Assert.Equal("Demo", (await GetAsync(Templates(victim.Companies), id)).Body.GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_activity_made_from_a_template_takes_what_its_body_leaves_out()
    {
        var api = await RegisterAsync(factory);
        var (template, etag) = await Templates(api.Companies).CreateAsync(new
        {
            name = "Discovery", type = "call", subjectTemplate = "Discovery call", descriptionTemplate = "Budget, authority, need.",
            durationMinutes = 30, defaultPriority = "high", customFieldsTemplate = new { stage = "discovery", script = "v1" },
        });
        var id = template.GetProperty("id").GetGuid();
        var contact = (await api.Contacts.CreateAsync(new { firstName = "Ada" })).Company.GetProperty("id").GetGuid();
        var activities = Activities(api.Companies);

        var (filled, _) = await activities.CreateAsync(new { templateId = id, contactId = contact, scheduledAt = Monday });
        Assert.Equal("call", filled.GetProperty("type").GetString());
        Assert.Equal("Discovery call", filled.GetProperty("subject").GetString());
        Assert.Equal("Budget, authority, need.", filled.GetProperty("description").GetString());
        Assert.Equal(30, filled.GetProperty("durationMinutes").GetInt32());
        Assert.Equal("high", filled.GetProperty("priority").GetString());
        Assert.Equal("v1", filled.GetProperty("customFields").GetProperty("script").GetString());
        Assert.False(filled.TryGetProperty("templateId", out _));

        var (explicitOnes, _) = await activities.CreateAsync(new
        {
            templateId = id, contactId = contact, type = "meeting", subject = "Site visit", description = "On site.", durationMinutes = 90,
            priority = "low", customFields = new { script = "v2" },
        });
        Assert.Equal("meeting", explicitOnes.GetProperty("type").GetString());
        Assert.Equal("Site visit", explicitOnes.GetProperty("subject").GetString());
        Assert.Equal("On site.", explicitOnes.GetProperty("description").GetString());
        Assert.Equal(90, explicitOnes.GetProperty("durationMinutes").GetInt32());
        Assert.Equal("low", explicitOnes.GetProperty("priority").GetString());
        Assert.Equal("v2", explicitOnes.GetProperty("customFields").GetProperty("script").GetString());
        Assert.Equal("discovery", explicitOnes.GetProperty("customFields").GetProperty("stage").GetString());

        // Without a template, priority is medium as before; a PATCH naming a template fills only what is empty.
        var (plain, plainEtag) = await activities.CreateAsync(new { type = "email", subject = "Hello", contactId = contact });
        Assert.Equal("medium", plain.GetProperty("priority").GetString());
        using (var patch = await activities.SendAsync(HttpMethod.Patch, $"/{plain.GetProperty("id").GetGuid()}", new { templateId = id }, plainEtag))
        {
            var patched = await activities.ReadAsync(patch);
            Assert.Equal(("email", "Hello", "medium"), (patched.GetProperty("type").GetString(), patched.GetProperty("subject").GetString(), patched.GetProperty("priority").GetString()));
            Assert.Equal("Budget, authority, need.", patched.GetProperty("description").GetString());
            Assert.Equal(30, patched.GetProperty("durationMinutes").GetInt32());
        }
        // A batch uses templates item by item.
        using (var batch = await activities.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { templateId = id, contactId = contact }, new { type = "note", subject = "Plain", contactId = contact } },
        }))
        {
            var data = (await activities.ReadAsync(batch)).GetProperty("data");
            Assert.Equal(["Discovery call", "Plain"], data.EnumerateArray().Select(a => a.GetProperty("subject").GetString()));
        }

        // A template without a subject needs one in the body; a direction needs a call or email, whoever gives the type.
        var (bare, _) = await Templates(api.Companies).CreateAsync(new { name = "Bare", type = "meeting" });
        await AssertInvalidAsync(await activities.SendAsync(HttpMethod.Post, "/", new { templateId = bare.GetProperty("id").GetGuid(), contactId = contact }), "subject");
        await AssertInvalidAsync(
            await activities.SendAsync(HttpMethod.Post, "/", new { templateId = bare.GetProperty("id").GetGuid(), subject = "S", direction = "inbound", contactId = contact }),
            "direction");

        // An inactive, deleted or unknown template is 400 on templateId.
        using (var deactivate = await Templates(api.Companies).SendAsync(HttpMethod.Patch, $"/{id}", new { isActive = false }, etag))
        {
            etag = deactivate.Headers.ETag!.ToString();
        }
        await AssertInvalidAsync(await activities.SendAsync(HttpMethod.Post, "/", new { templateId = id, contactId = contact }), "templateId");
        using (var activate = await Templates(api.Companies).SendAsync(HttpMethod.Patch, $"/{id}", new { isActive = true }, etag))
        {
            etag = activate.Headers.ETag!.ToString();
        }
        await AssertStatusAsync(await Templates(api.Companies).SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.NoContent);
        await AssertInvalidAsync(await activities.SendAsync(HttpMethod.Post, "/", new { templateId = id, contactId = contact }), "templateId");
        await AssertInvalidAsync(await activities.SendAsync(HttpMethod.Post, "/", new { templateId = Guid.CreateVersion7(), contactId = contact }), "templateId");
        await AssertInvalidAsync(await activities.SendAsync(HttpMethod.Post, "/", new { contactId = contact }), "type", "subject");
        Assert.Equal(5, (await ListAsync(activities, property: "subject")).Count);
    }

    private static CompanyApi Templates(CompanyApi caller) => caller.WithResource("/api/v1/activity-templates");

    private static CompanyApi Activities(CompanyApi caller) => caller.WithResource("/api/v1/activities");
}
