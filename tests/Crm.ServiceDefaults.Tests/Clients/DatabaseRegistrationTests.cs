using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Tests.TestSupport;
using Npgsql;

namespace Crm.ServiceDefaults.Tests.Clients;

public sealed class DatabaseRegistrationTests
{
    [Fact]
    public void A_missing_connection_string_names_the_variable_that_sets_it()
    {
        var builder = ServiceHosts.CreateWorkerBuilder([]);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddCrmDataSource());

        Assert.Contains("ConnectionStrings__crmdb", error.Message);
    }

    [Fact]
    public void The_data_source_is_named_after_the_connection_and_the_application()
    {
        var builder = ServiceHosts.CreateWorkerBuilder([new("ConnectionStrings:crmdb", "Host=127.0.0.1;Username=crm;Database=crm")]);

        NpgsqlDataSourceBuilder? configured = null;
        builder.AddCrmDataSource(dataSource => configured = dataSource);

        Assert.NotNull(configured);
        Assert.Equal(ConnectionNames.Database, configured.Name);
        Assert.Equal(ServiceHosts.ApplicationName, configured.ConnectionStringBuilder.ApplicationName);
    }
}
