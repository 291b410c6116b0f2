using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Domain.Migrations;

/// <summary>
/// One SQL migration file, <c>NNNN_snake_description.sql</c>: the four digits are its version, the rest of the name
/// (underscores read as spaces) its description.
/// </summary>
/// <remarks>
/// The runner executes each file inside a transaction, so files must not contain BEGIN/COMMIT or statements that
/// cannot run in a transaction block (CREATE INDEX CONCURRENTLY, ALTER TYPE ... ADD VALUE on older servers).
/// </remarks>
public sealed partial record MigrationScript(string FileName, string Version, string Description, string Sql, string Checksum)
{
    private const string ResourcePrefix = "Crm.Domain.Migrations.";

    /// <summary>The migrations compiled into this assembly, in version order.</summary>
    public static IReadOnlyList<MigrationScript> LoadEmbedded()
    {
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Parse(name[ResourcePrefix.Length..], ReadResource(assembly, name)));
        return InVersionOrder(scripts);
    }

    public static MigrationScript Parse(string fileName, string text)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException(
                $"Migration file name '{fileName}' is invalid: expected NNNN_snake_description.sql, e.g. 0002_contacts.sql.");
        }

        // Git may check files out with CRLF on Windows; the checksum must not depend on that.
        var sql = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new MigrationScript(fileName, match.Groups["version"].Value, match.Groups["description"].Value.Replace('_', ' '), sql, checksum);
    }

    /// <summary>Sorts <paramref name="scripts"/> by version and rejects two files claiming the same version.</summary>
    public static IReadOnlyList<MigrationScript> InVersionOrder(IEnumerable<MigrationScript> scripts)
    {
        var ordered = scripts.OrderBy(script => script.Version, StringComparer.Ordinal).ToList();
        foreach (var duplicate in ordered.GroupBy(script => script.Version).Where(group => group.Count() > 1))
        {
            throw new MigrationException(
                $"Migrations {string.Join(" and ", duplicate.Select(script => script.FileName))} share version {duplicate.Key}; renumber one of them.");
        }

        return ordered;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new MigrationException($"Embedded migration '{name}' could not be read.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>\d{4})_(?<description>[a-z0-9]+(?:_[a-z0-9]+)*)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
