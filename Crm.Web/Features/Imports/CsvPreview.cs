using System.Text;

namespace Crm.Web.Features.Imports;

/// <summary>
/// The header and first rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes as <c>""</c> and line
/// breaks; CRLF or LF), read to show the file and map its columns before the API imports all of it.
/// </summary>
public sealed record CsvPreview(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public static CsvPreview Read(byte[] content, int rowCount = 5)
    {
        // The API takes UTF-8 only (a byte order mark is fine); a file that is not is refused on upload with errors.file.
        using var reader = new StreamReader(new MemoryStream(content), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var records = new List<List<string>>();
        while (records.Count <= rowCount && ReadRecord(reader) is { } record)
        {
            // Blank lines import nothing, so they are not shown either.
            if (record is not [""])
            {
                records.Add(record);
            }
        }
        return records.Count == 0
            ? new CsvPreview([], [])
            : new CsvPreview(records[0], records.Skip(1).Select(r => (IReadOnlyList<string>)r).ToList());
    }

    private static List<string>? ReadRecord(StreamReader reader)
    {
        if (reader.Peek() < 0)
        {
            return null;
        }
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            var next = reader.Read();
            if (next < 0)
            {
                fields.Add(field.ToString());
                return fields;
            }
            var c = (char)next;
            if (quoted)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    reader.Read();
                    field.Append('"');
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }
                fields.Add(field.ToString());
                return fields;
            }
            else
            {
                field.Append(c);
            }
        }
    }
}
