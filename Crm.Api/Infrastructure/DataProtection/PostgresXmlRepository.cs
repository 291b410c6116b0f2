using System.Xml.Linq;
using Crm.Domain.Tenancy;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Crm.Api.Infrastructure.DataProtection;

/// <summary>
/// The Data Protection key ring in PostgreSQL (<c>data_protection_keys</c>, migration 0003), so that the keys that
/// protect bearer tokens survive restarts and are shared by every API replica. Works as <c>crm_app</c> under
/// <see cref="TenantSession.None"/>, like every other service connection (the table is not tenant-owned; the role has
/// SELECT and INSERT on it). Data Protection calls it synchronously and rarely (it caches the key ring).
/// </summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = Open();
        using var command = new NpgsqlCommand("SELECT xml FROM data_protection_keys ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var connection = Open();
        using var command = new NpgsqlCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@name, @xml)", connection);
        command.Parameters.AddWithValue("name", (object?)friendlyName ?? DBNull.Value);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }

    private NpgsqlConnection Open()
    {
        var connection = dataSource.OpenConnection();
        TenantSession.None.Apply(connection);
        return connection;
    }
}
