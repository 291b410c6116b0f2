using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Tests;

public sealed class FormatTests
{
    [Theory]
    [InlineData(1234.5, "USD", "$1,234.5")]
    [InlineData(2500000, "EUR", "€2.5M")]
    [InlineData(99, "CHF", "99 CHF")]
    public void Money_carries_its_currency(double value, string currency, string expected) =>
        Assert.Equal(expected, Format.Money((decimal)value, currency));

    [Theory]
    [InlineData("new_business", "New business")]
    [InlineData("mql", "MQL")]
    [InlineData(null, "—")]
    public void Codes_read_as_words(string? code, string expected) => Assert.Equal(expected, Format.Words(code));

    [Fact]
    public void Relative_times_say_how_long_ago_or_ahead()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal("3 days ago", Format.Relative(now.AddDays(-3), now));
        Assert.Equal("in 2 hours", Format.Relative(now.AddHours(2.5), now));
        Assert.Equal("just now", Format.Relative(now.AddSeconds(-20), now));
    }

    [Fact]
    public void A_field_is_shown_by_its_kind()
    {
        var deal = JsonNode.Parse("""{"value": "12000.00", "currency": "USD", "probability": 40, "status": "open", "expectedCloseDate": "2027-01-31"}""")!.AsObject();

        Assert.Equal("$12,000", Format.Field(deal, RecordType.Deals.Field("value")!));
        Assert.Equal("40%", Format.Field(deal, RecordType.Deals.Field("probability")!));
        Assert.Equal("Open", Format.Field(deal, RecordType.Deals.Field("status")!));
        Assert.Equal("Jan 31, 2027", Format.Field(deal, RecordType.Deals.Field("expectedCloseDate")!));
        Assert.Equal("—", Format.Field(deal, RecordType.Deals.Field("nextStep")!));
    }

    [Fact]
    public void An_activity_opens_the_page_of_the_record_it_belongs_to_its_deal_first()
    {
        var deal = Guid.NewGuid();
        var contact = Guid.NewGuid();

        Assert.Equal($"/deals/{deal}", RecordType.PageOfLinkedRecord(JsonNode.Parse($$"""{"contactId": "{{contact}}", "dealId": "{{deal}}"}""")!.AsObject()));
        Assert.Equal($"/contacts/{contact}", RecordType.PageOfLinkedRecord(JsonNode.Parse($$"""{"contactId": "{{contact}}", "dealId": null}""")!.AsObject()));
        Assert.Null(RecordType.PageOfLinkedRecord(new JsonObject()));
    }
}
