using System.Net;
using System.Text.Json;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.CustomFields;

/// <summary>/api/v1/custom-fields: definitions, their checks, who may write them, and workspace isolation.</summary>
public sealed class CustomFieldDefinitionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_definition_is_created_listed_patched_deleted_and_restored_and_its_key_object_type_and_field_type_are_fixed()
    {
        var api = await RegisterAsync(factory);
        var (tier, _) = await api.CustomFields.CreateAsync(new
        {
            objectType = "contact", key = "tier", label = " Tier ", fieldType = "select", required = true, position = 2,
            options = new object[] { new { value = "gold" }, new { value = "silver", label = "Silver" } },
            helpText = "Account tier",
        });
        Assert.Equal("Tier", tier.GetProperty("label").GetString());
        Assert.Equal("gold", tier.GetProperty("options")[0].GetProperty("label").GetString());
        Assert.True(tier.GetProperty("required").GetBoolean());
        Assert.True(tier.GetProperty("isActive").GetBoolean());
        var id = tier.GetProperty("id").GetGuid();
        await api.CustomFields.CreateAsync(new { objectType = "company", key = "tier", label = "Tier", fieldType = "text", position = 1 });
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "score", label = "Score", fieldType = "number", validationRules = new { min = 0, max = 10 } });

        using (var duplicate = await api.CustomFields.SendAsync(HttpMethod.Post, "/", new { objectType = "contact", key = "tier", label = "Again", fieldType = "text" }))
        {
            var problem = await Auth.AuthApi.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
            Assert.True(problem.GetProperty("errors").TryGetProperty("key", out _));
        }
        Assert.Equal(["score", "tier"], await ListAsync(api.CustomFields, "?filter[objectType]=contact", "key"));
        // Default order: position (score 0, the company's tier 1, the contact's tier 2), then key.
        Assert.Equal(["score", "tier", "tier"], await ListAsync(api.CustomFields, "", "key"));
        Assert.Equal(["contact", "company", "contact"], await ListAsync(api.CustomFields, "", "objectType"));

        var (_, etag) = await GetAsync(api.CustomFields, id);
        foreach (var change in new object[] { new { key = "level" }, new { fieldType = "multiselect" }, new { objectType = "company" } })
        {
            var field = JsonSerializer.SerializeToElement(change, JsonSerializerOptions.Web).EnumerateObject().Single().Name;
            await AssertInvalidAsync(await api.CustomFields.SendAsync(HttpMethod.Patch, $"/{id}", change, etag), field);
        }
        using (var patch = await api.CustomFields.SendAsync(HttpMethod.Patch, $"/{id}", new { label = "Level", isActive = false }, etag))
        {
            var patched = await api.CustomFields.ReadAsync(patch);
            Assert.Equal("Level", patched.GetProperty("label").GetString());
            Assert.False(patched.GetProperty("isActive").GetBoolean());
            etag = patch.Headers.ETag!.ToString();
        }
        await AssertStatusAsync(await api.CustomFields.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.NoContent);
        Assert.Equal(["score"], await ListAsync(api.CustomFields, "?filter[objectType]=contact", "key"));
        await AssertStatusAsync(await api.CustomFields.SendAsync(HttpMethod.Post, $"/{id}/restore"), HttpStatusCode.OK);
        Assert.Equal(["restored", "deleted", "updated", "created"], (await api.AuditOfAsync("custom_field", id)).Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task An_invalid_definition_is_400_naming_each_field()
    {
        var api = await RegisterAsync(factory);
        var cases = new (object Body, string[] Fields)[]
        {
            (new { }, ["objectType", "key", "label", "fieldType"]),
            (new { objectType = "contact", key = "Tier", label = "Tier", fieldType = "text" }, ["key"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", position = -1 }, ["position"]),
            (new { objectType = "ticket", key = "tier", label = "Tier", fieldType = "text" }, ["objectType"]),
            (new { objectType = "contact", key = "tier", label = "Tier", fieldType = "colour" }, ["fieldType"]),
            (new { objectType = "contact", key = "tier", label = "Tier", fieldType = "text", options = new[] { new { value = "a" } } }, ["options"]),
            (new { objectType = "contact", key = "tier", label = "Tier", fieldType = "select" }, ["options"]),
            (new { objectType = "contact", key = "tier", label = "Tier", fieldType = "multiselect", options = new[] { new { value = "a" }, new { value = "A" } } }, ["options[1].value"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", validationRules = new { min = 1 } }, ["validationRules.min"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "number", validationRules = new { pattern = "^[0-9]+$" } }, ["validationRules.pattern"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", validationRules = new { maxLength = 300 } }, ["validationRules.maxLength"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", validationRules = new { minLength = 5, maxLength = 4 } }, ["validationRules.maxLength"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", validationRules = new { pattern = @"^(a)\1$" } }, ["validationRules.pattern"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "text", validationRules = new { pattern = "([a-z" } }, ["validationRules.pattern"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "number", validationRules = new { min = 10, max = 5 } }, ["validationRules.max"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "currency", validationRules = new { min = "lots" } }, ["validationRules.min"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "date", validationRules = new { min = "31/01/2025" } }, ["validationRules.min"]),
            (new { objectType = "contact", key = "t", label = "T", fieldType = "number", validationRules = new { step = 2 } }, ["validationRules.step"]),
        };
        foreach (var (body, fields) in cases)
        {
            using var response = await api.CustomFields.SendAsync(HttpMethod.Post, "/", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {response.StatusCode}");
            var errors = (await Auth.AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(
                fields.Order().SequenceEqual(errors.EnumerateObject().Select(e => e.Name).Order()),
                $"{JsonSerializer.Serialize(body)}: expected errors on {string.Join(", ", fields)}, got {errors}");
        }
        Assert.Empty(await ListAsync(api.CustomFields, "", "key"));
    }

    [Fact]
    public async Task Only_owners_and_admins_write_definitions_and_every_member_reads_them()
    {
        var owner = await RegisterAsync(factory);
        var admin = await JoinAsync(factory, owner, "admin");
        var manager = await JoinAsync(factory, owner, "manager");
        var rep = await JoinAsync(factory, owner, "sales_rep", "own");
        var viewer = await JoinAsync(factory, owner, "viewer");
        var (field, etag) = await owner.CustomFields.CreateAsync(new { objectType = "contact", key = "tier", label = "Tier", fieldType = "text" });
        var id = field.GetProperty("id").GetGuid();

        foreach (var member in new[] { manager, rep, viewer })
        {
            await AssertStatusAsync(
                await member.CustomFields.SendAsync(HttpMethod.Post, "/", new { objectType = "contact", key = "x", label = "X", fieldType = "text" }),
                HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.CustomFields.SendAsync(HttpMethod.Patch, $"/{id}", new { label = "Changed" }, etag), HttpStatusCode.Forbidden);
            await AssertStatusAsync(await member.CustomFields.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: etag), HttpStatusCode.Forbidden);
            Assert.Equal(["tier"], await ListAsync(member.CustomFields, "", "key"));
        }
        await admin.CustomFields.CreateAsync(new { objectType = "company", key = "segment", label = "Segment", fieldType = "text" });
        await AssertStatusAsync(await admin.CustomFields.SendAsync(HttpMethod.Patch, $"/{id}", new { label = "Level" }, etag), HttpStatusCode.OK);

        // Anyone who writes records fills the fields in.
        var (contact, _) = await rep.Contacts.CreateAsync(new { firstName = "Ada", customFields = new { tier = "gold" } });
        Assert.Equal("gold", contact.GetProperty("customFields").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Another_workspace_neither_sees_nor_gets_the_definitions()
    {
        var victim = await RegisterAsync(factory, "Victim");
        var attacker = await RegisterAsync(factory, "Attacker");
        var (field, etag) = await victim.CustomFields.CreateAsync(new { objectType = "contact", key = "tier", label = "Tier", fieldType = "text", required = true });
        var id = field.GetProperty("id").GetGuid();

        await AssertStatusAsync(await attacker.CustomFields.SendAsync(HttpMethod.Get, $"/{id}"), HttpStatusCode.NotFound);
        await AssertStatusAsync(await attacker.CustomFields.SendAsync(HttpMethod.Patch, $"/{id}", new { label = "Pwned" }, etag), HttpStatusCode.NotFound);
        await AssertStatusAsync(await attacker.CustomFields.SendAsync(HttpMethod.Delete, $"/{id}", ifMatch: "*"), HttpStatusCode.NotFound);
        Assert.Empty(await ListAsync(attacker.CustomFields, "", "key"));

        // The victim's field is neither known nor required in the attacker's workspace.
        await AssertInvalidAsync(await attacker.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Spy", customFields = new { tier = "gold" } }), "customFields.tier");
        await attacker.Contacts.CreateAsync(new { firstName = "Spy" });
        await AssertInvalidAsync(await victim.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Ada" }), "customFields.tier");
    }
}
