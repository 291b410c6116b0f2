using System.Buffers.Text;
using System.Text;
using Crm.Domain.Search;
using Crm.Search.Backends.Elasticsearch;

namespace Crm.Search.Tests.Elasticsearch;

/// <summary>The opaque cursor: round trip, and a garbled or foreign cursor is an <see cref="ArgumentException"/> (400).</summary>
public sealed class CursorTests
{
    private static readonly SearchRequest Request = TestDocuments.Request(Guid.NewGuid(), "acme");

    [Fact]
    public void A_cursor_decodes_to_the_sort_values_it_was_made_of()
    {
        var id = Guid.NewGuid().ToString();
        var cursor = new ElasticsearchCursor(3.1415927, SearchTypes.Company, id, ElasticsearchCursor.HashOf(Request));

        var encoded = cursor.Encode();
        var decoded = ElasticsearchCursor.Decode(encoded, Request with { Limit = 5 });

        Assert.Equal(cursor, decoded);
        Assert.DoesNotContain('+', encoded);
        Assert.DoesNotContain('/', encoded);
        Assert.DoesNotContain('=', encoded);
    }

    [Theory]
    [InlineData("not a cursor!")]
    [InlineData("%%%%")]
    [InlineData("")]
    [InlineData("e30")] // {} in base64url
    public void A_garbled_cursor_is_refused_as_an_argument_exception(string cursor)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request));

        Assert.Equal("Cursor", error.ParamName);
    }

    [Theory]
    [InlineData("""{"V":1,"Q":"x","S":1.5,"T":"contact"}""")]
    [InlineData("""{"V":2,"Q":"x","S":1.5,"T":"contact","I":"6f1c1b8e-5c4c-4c63-9c5a-3f0a9b6a1d11"}""")]
    [InlineData("""{"V":1,"Q":"x","S":1.5,"T":"invoice","I":"6f1c1b8e-5c4c-4c63-9c5a-3f0a9b6a1d11"}""")]
    [InlineData("""{"V":1,"Q":"x","S":1.5,"T":"contact","I":"not-a-guid"}""")]
    [InlineData("""{"V":1,"Q":"x","S":"high","T":"contact","I":"6f1c1b8e-5c4c-4c63-9c5a-3f0a9b6a1d11"}""")]
    [InlineData("""[1,2,3]""")]
    public void A_well_encoded_cursor_of_the_wrong_shape_is_refused(string json)
    {
        var cursor = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

        var error = Assert.ThrowsAny<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request));

        Assert.Equal("Cursor", error.ParamName);
    }

    [Fact]
    public void A_cursor_of_another_search_is_refused()
    {
        var cursor = new ElasticsearchCursor(1, SearchTypes.Contact, Guid.NewGuid().ToString(), ElasticsearchCursor.HashOf(Request)).Encode();

        Assert.Throws<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request with { Text = "globex" }));
        Assert.Throws<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request with { WorkspaceId = Guid.NewGuid() }));
        Assert.Throws<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request with { Types = [SearchTypes.Deal] }));
        Assert.Throws<ArgumentException>(() => ElasticsearchCursor.Decode(cursor, Request with { VisibleOwners = [] }));
    }

    [Fact]
    public async Task The_backend_refuses_a_garbled_cursor_before_calling_Elasticsearch()
    {
        var fake = new FakeElasticsearch();
        var backend = fake.Backend();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => backend.SearchAsync(Request with { Cursor = "garbage" }, CancellationToken.None));

        Assert.Empty(fake.Requests);
    }
}
