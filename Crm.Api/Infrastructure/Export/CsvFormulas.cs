namespace Crm.Api.Infrastructure.Export;

/// <summary>
/// OWASP's defence against CSV injection, both ways: the export puts an apostrophe before text that a spreadsheet would
/// run as a formula (starting with = + - @, tab or carriage return), and the import takes it off again, so an exported
/// file imports with the values it was exported from.
/// </summary>
public static class CsvFormulas
{
    public static string Defuse(string text) => text.Length > 0 && StartsFormula(text[0]) ? "'" + text : text;

    public static string Restore(string text) => text.Length > 1 && text[0] == '\'' && StartsFormula(text[1]) ? text[1..] : text;

    private static bool StartsFormula(char first) => first is '=' or '+' or '-' or '@' or '\t' or '\r';
}
