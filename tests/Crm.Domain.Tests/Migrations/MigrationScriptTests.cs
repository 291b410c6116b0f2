using Crm.Domain.Migrations;

namespace Crm.Domain.Tests.Migrations;

public class MigrationScriptTests
{
    [Fact]
    public void Parse_takes_version_and_description_from_the_file_name()
    {
        var script = MigrationScript.Parse("0007_add_contact_notes.sql", "SELECT 1;");

        Assert.Equal("0007_add_contact_notes.sql", script.FileName);
        Assert.Equal("0007", script.Version);
        Assert.Equal("add contact notes", script.Description);
        Assert.Matches("^[0-9a-f]{64}$", script.Checksum);
    }

    [Fact]
    public void Crlf_line_endings_give_the_same_sql_and_checksum()
    {
        var lf = MigrationScript.Parse("0001_x.sql", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n");
        var crlf = MigrationScript.Parse("0001_x.sql", "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n");

        Assert.Equal(lf.Sql, crlf.Sql);
        Assert.Equal(lf.Checksum, crlf.Checksum);
    }

    [Fact]
    public void Any_other_change_changes_the_checksum()
    {
        var original = MigrationScript.Parse("0001_x.sql", "CREATE TABLE a (id int);");
        var edited = MigrationScript.Parse("0001_x.sql", "CREATE TABLE a (id bigint);");

        Assert.NotEqual(original.Checksum, edited.Checksum);
    }

    [Theory]
    [InlineData("1_core.sql")]
    [InlineData("00001_core.sql")]
    [InlineData("0001-core.sql")]
    [InlineData("0001_.sql")]
    [InlineData("0001_Core.sql")]
    [InlineData("0001_core table.sql")]
    [InlineData("0001_core.txt")]
    [InlineData("core.sql")]
    public void Bad_file_names_are_rejected(string fileName)
    {
        var error = Assert.Throws<MigrationException>(() => MigrationScript.Parse(fileName, "SELECT 1;"));

        Assert.Contains(fileName, error.Message);
    }

    [Fact]
    public void Scripts_are_ordered_by_version()
    {
        var ordered = MigrationScript.InVersionOrder(
            [MigrationScript.Parse("0010_c.sql", ""), MigrationScript.Parse("0002_b.sql", ""), MigrationScript.Parse("0001_a.sql", "")]);

        Assert.Equal(["0001", "0002", "0010"], ordered.Select(script => script.Version));
    }

    [Fact]
    public void Duplicate_versions_are_rejected()
    {
        var error = Assert.Throws<MigrationException>(() => MigrationScript.InVersionOrder(
            [MigrationScript.Parse("0002_contacts.sql", ""), MigrationScript.Parse("0002_deals.sql", "")]));

        Assert.Contains("0002_contacts.sql", error.Message);
        Assert.Contains("0002_deals.sql", error.Message);
    }

    [Fact]
    public void Embedded_migrations_load_in_order_starting_with_the_extensions()
    {
        var scripts = MigrationScript.LoadEmbedded();

        var first = scripts[0];
        Assert.Equal(("0001", "extensions"), (first.Version, first.Description));
        Assert.Contains("vector", first.Sql);
        Assert.Equal(scripts.OrderBy(script => script.Version, StringComparer.Ordinal), scripts);
    }
}
