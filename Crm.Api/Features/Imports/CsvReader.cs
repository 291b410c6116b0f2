using System.Text;

namespace Crm.Api.Features.Imports;

/// <summary>
/// One record of a CSV file: its <see cref="Row"/> as a spreadsheet numbers it (the header is row 1, a record with
/// line breaks inside quotes is still one row), its fields, and <see cref="Error"/> when it is malformed.
/// </summary>
public sealed record CsvRecord(int Row, IReadOnlyList<string> Fields, string? Error);

/// <summary>
/// Reads RFC 4180 CSV: fields separated by commas, records by CRLF (LF or CR alone too); a field in double quotes may
/// hold commas, quotes written as "" and line breaks. A leading UTF-8 byte order mark is dropped. Blank lines are not
/// records (they still count as rows, as in a spreadsheet). A malformed record (text after a closing quote, a quote in
/// an unquoted field, a quote never closed) comes back with its <see cref="CsvRecord.Error"/> and the fields as far as
/// they could be read; reading carries on with the next record, so one bad row never stops a file.
/// </summary>
public static class CsvReader
{
    private const char ByteOrderMark = '\uFEFF';

    public static IEnumerable<CsvRecord> Read(string text)
    {
        var position = text.Length > 0 && text[0] == ByteOrderMark ? 1 : 0;
        var row = 0;
        var quoted = new StringBuilder();
        while (position < text.Length)
        {
            row++;
            var fields = new List<string>();
            string? error = null;
            var blank = true;
            while (true)
            {
                if (text[position] == '"')
                {
                    blank = false;
                    position = ReadQuoted(text, position + 1, quoted, out var closed);
                    fields.Add(quoted.ToString());
                    if (!closed)
                    {
                        error ??= $"Field {fields.Count} opens a quote that is never closed; the rest of the file was read into it.";
                    }
                    else if (position < text.Length && !IsDelimiter(text[position]))
                    {
                        error ??= $"Field {fields.Count} has text after its closing quote; write a quote inside a quoted field as two quotes (\"\").";
                        position = SkipToDelimiter(text, position);
                    }
                }
                else
                {
                    var start = position;
                    position = SkipToDelimiter(text, position);
                    var field = text[start..position];
                    blank &= field.Length == 0;
                    fields.Add(field);
                    if (field.Contains('"', StringComparison.Ordinal))
                    {
                        error ??= $"Field {fields.Count} has a quote but is not in quotes; put the field in quotes and write each quote in it as two (\"\").";
                    }
                }

                if (position >= text.Length)
                {
                    break;
                }
                if (text[position] == ',')
                {
                    blank = false;
                    position++;
                    if (position == text.Length)
                    {
                        fields.Add("");
                        break;
                    }
                    continue;
                }
                position = SkipLineBreak(text, position);
                break;
            }
            if (!blank)
            {
                yield return new CsvRecord(row, fields, error);
            }
        }
    }

    /// <summary>Reads a quoted field's content after its opening quote into <paramref name="value"/>; answers the position after the closing quote.</summary>
    private static int ReadQuoted(string text, int position, StringBuilder value, out bool closed)
    {
        value.Clear();
        while (position < text.Length)
        {
            var next = text.IndexOf('"', position);
            if (next < 0)
            {
                break;
            }
            value.Append(text, position, next - position);
            if (next + 1 < text.Length && text[next + 1] == '"')
            {
                value.Append('"');
                position = next + 2;
                continue;
            }
            closed = true;
            return next + 1;
        }
        value.Append(text, position, text.Length - position);
        closed = false;
        return text.Length;
    }

    private static bool IsDelimiter(char c) => c is ',' or '\r' or '\n';

    private static int SkipToDelimiter(string text, int position)
    {
        var next = text.AsSpan(position).IndexOfAny(",\r\n");
        return next < 0 ? text.Length : position + next;
    }

    private static int SkipLineBreak(string text, int position) =>
        text[position] == '\r' && position + 1 < text.Length && text[position + 1] == '\n' ? position + 2 : position + 1;
}
