using Crm.Api.Features.Imports;

namespace Crm.Api.Tests.Imports;

/// <summary>The RFC 4180 reader of imports, on its own.</summary>
public sealed class CsvReaderTests
{
    private static List<CsvRecord> Read(string text) => [.. CsvReader.Read(text)];

    [Fact]
    public void Quoted_fields_hold_commas_doubled_quotes_and_line_breaks()
    {
        var records = Read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line\r\nbreak\"\r\nplain,,last\r\n");

        Assert.Equal(3, records.Count);
        Assert.Equal(["x, y", "say \"hi\"", "line\r\nbreak"], records[1].Fields);
        Assert.Equal(["plain", "", "last"], records[2].Fields);
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Fact]
    public void Rows_are_numbered_as_a_spreadsheet_numbers_them()
    {
        var records = Read("h\n\"two\nlines\"\n\nfour\rfive");

        Assert.Equal([(1, "h"), (2, "two\nlines"), (4, "four"), (5, "five")], records.Select(r => (r.Row, r.Fields[0])));
    }

    [Fact]
    public void A_byte_order_mark_is_dropped_and_a_last_line_needs_no_line_break()
    {
        var records = Read("\uFEFFemail,name\r\na@b.test,A");

        Assert.Equal(["email", "name"], records[0].Fields);
        Assert.Equal(["a@b.test", "A"], records[1].Fields);
    }

    [Fact]
    public void A_trailing_comma_is_an_empty_last_field()
    {
        Assert.Equal(["a", ""], Read("a,")[0].Fields);
        Assert.Equal(["a", "", ""], Read("a,,\r\n")[0].Fields);
    }

    [Theory]
    [InlineData("h1,h2\r\n\"ab\"c,d\r\nnext,row\r\n", "after its closing quote", 2)]
    [InlineData("h1,h2\r\nab\"c,d\r\nnext,row\r\n", "not in quotes", 2)]
    public void A_malformed_record_is_reported_and_reading_goes_on(string text, string error, int fields)
    {
        var records = Read(text);

        Assert.Equal(3, records.Count);
        Assert.Contains(error, records[1].Error);
        Assert.Equal(fields, records[1].Fields.Count);
        Assert.Null(records[2].Error);
        Assert.Equal(["next", "row"], records[2].Fields);
    }

    [Fact]
    public void A_quote_never_closed_takes_the_rest_of_the_file_and_says_so()
    {
        var records = Read("h1,h2\r\n\"open,d\r\nnext,row\r\n");

        Assert.Equal(2, records.Count);
        Assert.Contains("never closed", records[1].Error);
    }
}
