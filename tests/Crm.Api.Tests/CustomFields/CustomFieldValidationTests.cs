using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Tests.Configuration;
using static Crm.Api.Tests.Configuration.WorkspaceApi;

namespace Crm.Api.Tests.CustomFields;

/// <summary>Records' customFields checked against the definitions: every field type, rules, required, unknown keys, batches.</summary>
public sealed class CustomFieldValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>A workspace with one contact field of every type.</summary>
    private async Task<WorkspaceApi> WithEveryFieldTypeAsync()
    {
        var api = await RegisterAsync(factory);
        var choices = new[] { new { value = "Gold" }, new { value = "Silver" } };
        var channels = new[] { new { value = "email" }, new { value = "phone" }, new { value = "sms" } };
        foreach (var definition in new object[]
                 {
                     new { key = "nickname", fieldType = "text", validationRules = new { maxLength = 10, pattern = "^[A-Za-z]+$" } },
                     new { key = "bio", fieldType = "textarea", validationRules = new { minLength = 3 } },
                     new { key = "score", fieldType = "number", validationRules = new { min = 0, max = 10 } },
                     new { key = "budget", fieldType = "currency", validationRules = new { min = 0 } },
                     new { key = "discount", fieldType = "percent", validationRules = new { max = 100 } },
                     new { key = "renewal", fieldType = "date", validationRules = new { min = "2020-01-01" } },
                     new { key = "last_seen", fieldType = "datetime", validationRules = new { max = "2100-01-01T00:00:00Z" } },
                     new { key = "vip", fieldType = "boolean" },
                     new { key = "tier", fieldType = "select", options = choices },
                     new { key = "channels", fieldType = "multiselect", options = channels },
                     new { key = "homepage", fieldType = "url" },
                     new { key = "work_email", fieldType = "email" },
                     new { key = "desk_phone", fieldType = "phone" },
                 })
        {
            var body = JsonSerializer.SerializeToNode(definition, JsonSerializerOptions.Web)!.AsObject();
            body["objectType"] = "contact";
            body["label"] = body["key"]!.GetValue<string>();
            await api.CustomFields.CreateAsync(body.ToJsonString());
        }
        return api;
    }

    [Fact]
    public async Task Valid_values_of_every_type_are_stored_normalized()
    {
        var api = await WithEveryFieldTypeAsync();
        var (contact, _) = await api.Contacts.CreateAsync(new
        {
            firstName = "Ada",
            customFields = new Dictionary<string, object>
            {
                ["nickname"] = " Ada ", ["bio"] = "Mathematician", ["score"] = "7.50", ["budget"] = 1200.5m, ["discount"] = 12,
                ["renewal"] = "2025-01-31", ["last_seen"] = "2025-01-31T10:30:00+02:00", ["vip"] = "true", ["tier"] = "gold",
                ["channels"] = new[] { "SMS", "email" }, ["homepage"] = "https://ada.example", ["work_email"] = "ada@example.com",
                ["desk_phone"] = "+1 (555) 010-2000",
            },
        });
        var values = contact.GetProperty("customFields");
        Assert.Equal("Ada", values.GetProperty("nickname").GetString());
        Assert.Equal(JsonValueKind.Number, values.GetProperty("score").ValueKind);
        Assert.Equal("7.5", values.GetProperty("score").GetRawText());
        Assert.Equal("1200.5", values.GetProperty("budget").GetRawText());
        Assert.Equal("12", values.GetProperty("discount").GetRawText());
        Assert.Equal("2025-01-31", values.GetProperty("renewal").GetString());
        Assert.Equal("2025-01-31T08:30:00Z", values.GetProperty("last_seen").GetString());
        Assert.Equal(JsonValueKind.True, values.GetProperty("vip").ValueKind);
        Assert.Equal("Gold", values.GetProperty("tier").GetString());
        Assert.Equal(["sms", "email"], values.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("+1 (555) 010-2000", values.GetProperty("desk_phone").GetString());

        // Stored so, not only answered so: read back, and filtered in SQL by the jsonb value.
        var (read, _) = await GetAsync(api.Contacts, contact.GetProperty("id").GetGuid());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(values.GetRawText()), JsonNode.Parse(read.GetProperty("customFields").GetRawText())));
        await using var query = factory.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM contacts WHERE custom_fields @> '{\"score\": 7.5, \"vip\": true, \"tier\": \"Gold\"}'");
        Assert.Equal(1L, await query.ExecuteScalarAsync());
    }

    [Fact]
    public async Task An_invalid_value_of_any_type_is_400_naming_the_field()
    {
        var api = await WithEveryFieldTypeAsync();
        var cases = new (string Key, string Json)[]
        {
            ("nickname", "\"Ada Lovelace\""), ("nickname", "\"Abcdefghijk\""), ("nickname", "12"), ("bio", "\"ab\""), ("bio", "{\"a\":1}"),
            ("score", "11"), ("score", "-0.5"), ("score", "\"many\""), ("score", "true"), ("budget", "10.123"), ("budget", "-1"),
            ("discount", "101"), ("renewal", "\"2019-12-31\""), ("renewal", "\"31/01/2025\""), ("renewal", "\"2025-01-31T00:00:00Z\""),
            ("last_seen", "\"yesterday\""), ("last_seen", "\"2100-01-02T00:00:00Z\""), ("vip", "\"yes\""), ("vip", "1"),
            ("tier", "\"Bronze\""), ("tier", "[\"Gold\"]"), ("channels", "\"email\""), ("channels", "[\"email\",\"EMAIL\"]"),
            ("channels", "[\"fax\"]"), ("channels", "[1]"), ("homepage", "\"ftp://ada.example\""), ("homepage", "\"ada.example\""),
            ("work_email", "\"ada\""), ("desk_phone", "\"call me\""), ("desk_phone", "\"123\""),
        };
        foreach (var (key, json) in cases)
        {
            var body = "{\"firstName\":\"Ada\",\"customFields\":{\"" + key + "\":" + json + "}}";
            using var response = await api.Contacts.SendAsync(HttpMethod.Post, "/", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{key} = {json}: {response.StatusCode}");
            var errors = (await Auth.AuthApi.AssertProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
            Assert.True(
                errors.EnumerateObject().Select(e => e.Name).SequenceEqual([$"customFields.{key}"]),
                $"{key} = {json}: {errors}");
        }
        Assert.Empty(await ListAsync(api.Contacts, "", "firstName"));
    }

    [Fact]
    public async Task Unknown_and_inactive_keys_are_refused_but_a_change_keeps_old_values_it_does_not_touch()
    {
        var api = await RegisterAsync(factory);
        var (field, fieldEtag) = await api.CustomFields.CreateAsync(new { objectType = "contact", key = "score", label = "Score", fieldType = "number", validationRules = new { max = 10 } });
        var fieldId = field.GetProperty("id").GetGuid();
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "region", label = "Region", fieldType = "text" });
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Ada", customFields = new { nope = 1 } }), "customFields.nope");
        var (contact, _) = await api.Contacts.CreateAsync(new { firstName = "Ada", customFields = new { score = 9 } });
        var id = contact.GetProperty("id").GetGuid();

        // Stricter, then inactive: the old value stays through changes that leave it alone.
        using (var stricter = await api.CustomFields.SendAsync(HttpMethod.Patch, $"/{fieldId}", new { validationRules = new { max = 5 } }, fieldEtag))
        {
            fieldEtag = stricter.Headers.ETag!.ToString();
        }
        var (_, etag) = await GetAsync(api.Contacts, id);
        using (var unrelated = await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", new { lastName = "Lovelace", customFields = new { region = "emea" } }, etag))
        {
            Assert.Equal(9, (await api.Contacts.ReadAsync(unrelated)).GetProperty("customFields").GetProperty("score").GetInt32());
            etag = unrelated.Headers.ETag!.ToString();
        }
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", new { customFields = new { score = 8 } }, etag), "customFields.score");
        await AssertStatusAsync(await api.CustomFields.SendAsync(HttpMethod.Patch, $"/{fieldId}", new { isActive = false }, fieldEtag), HttpStatusCode.OK);
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", new { customFields = new { score = 1 } }, etag), "customFields.score");
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Bob", customFields = new { score = 1 } }), "customFields.score");
        using (var cleared = await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", """{"customFields":{"score":null}}""", etag))
        {
            Assert.False((await api.Contacts.ReadAsync(cleared)).GetProperty("customFields").TryGetProperty("score", out _));
        }
    }

    [Fact]
    public async Task A_required_field_is_needed_on_create_and_cannot_be_removed_by_a_change()
    {
        var api = await RegisterAsync(factory);
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "nickname", label = "Nickname", fieldType = "text" });
        var early = await CreateIdAsync(api.Contacts, new { firstName = "Early" });
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "segment", label = "Segment", fieldType = "select", required = true, options = new[] { new { value = "smb" }, new { value = "enterprise" } } });

        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Ada" }), "customFields.segment");
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Post, "/", new { firstName = "Ada", customFields = new { segment = " " } }), "customFields.segment");
        var (contact, etag) = await api.Contacts.CreateAsync(new { firstName = "Ada", customFields = new { segment = "SMB" } });
        var id = contact.GetProperty("id").GetGuid();
        Assert.Equal("smb", contact.GetProperty("customFields").GetProperty("segment").GetString());

        using (var other = await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", new { customFields = new { nickname = "Countess" } }, etag))
        {
            Assert.Equal("smb", (await api.Contacts.ReadAsync(other)).GetProperty("customFields").GetProperty("segment").GetString());
            etag = other.Headers.ETag!.ToString();
        }
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", """{"customFields":{"segment":null}}""", etag), "customFields.segment");
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", """{"customFields":{"segment":""}}""", etag), "customFields.segment");
        await AssertInvalidAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{id}", """{"customFields":null}""", etag), "customFields");

        // A record made before the field became required is not forced to fill it in by an unrelated change.
        var (_, earlyEtag) = await GetAsync(api.Contacts, early);
        await AssertStatusAsync(await api.Contacts.SendAsync(HttpMethod.Patch, $"/{early}", new { lastName = "Bird" }, earlyEtag), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_batch_names_each_item_and_field_and_creates_nothing()
    {
        var api = await RegisterAsync(factory);
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "score", label = "Score", fieldType = "number", validationRules = new { min = 0, max = 10 } });
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "segment", label = "Segment", fieldType = "text", required = true });

        await AssertInvalidAsync(
            await api.Contacts.SendAsync(HttpMethod.Post, "/batch", new
            {
                items = new object[]
                {
                    new { firstName = "Ok", customFields = new { segment = "smb", score = 3 } },
                    new { firstName = "Over", customFields = new { segment = "smb", score = 11 } },
                    new { firstName = "Missing", customFields = new { score = 1 } },
                    new { firstName = "Unknown", customFields = new { segment = "smb", colour = "red" } },
                },
            }),
            "items[1].customFields.score", "items[2].customFields.segment", "items[3].customFields.colour");
        Assert.Empty(await ListAsync(api.Contacts, "", "firstName"));

        using var batch = await api.Contacts.SendAsync(HttpMethod.Post, "/batch", new
        {
            items = new object[] { new { firstName = "A", customFields = new { segment = "smb", score = "4" } }, new { firstName = "B", customFields = new { segment = "mid" } } },
        });
        var created = (await api.Contacts.ReadAsync(batch)).GetProperty("data");
        Assert.Equal(4, created[0].GetProperty("customFields").GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Companies_are_checked_against_the_company_fields_only()
    {
        var api = await RegisterAsync(factory);
        await api.CustomFields.CreateAsync(new { objectType = "contact", key = "nickname", label = "Nickname", fieldType = "text" });
        await api.CustomFields.CreateAsync(new { objectType = "company", key = "employees_band", label = "Band", fieldType = "select", options = new[] { new { value = "small" }, new { value = "large" } } });

        await AssertInvalidAsync(await api.Companies.SendAsync(HttpMethod.Post, "/", new { name = "Acme", customFields = new { nickname = "A" } }), "customFields.nickname");
        await AssertInvalidAsync(await api.Companies.SendAsync(HttpMethod.Post, "/", new { name = "Acme", customFields = new { employees_band = "huge" } }), "customFields.employees_band");
        var (company, etag) = await api.Companies.CreateAsync(new { name = "Acme", customFields = new { employees_band = "LARGE" } });
        Assert.Equal("large", company.GetProperty("customFields").GetProperty("employees_band").GetString());
        await AssertInvalidAsync(
            await api.Companies.SendAsync(HttpMethod.Patch, $"/{company.GetProperty("id").GetGuid()}", new { customFields = new { employees_band = "huge" } }, etag),
            "customFields.employees_band");
    }
}
