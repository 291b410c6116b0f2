using Crm.ServiceDefaults.Clients;
using Crm.ServiceDefaults.Tests.TestSupport;

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

        var dataSource = builder.AddCrmDataSource();

        Assert.Equal(ConnectionNames.Database, dataSource.Name);
        Assert.Equal(ServiceHosts.ApplicationName, dataSource.ConnectionStringBuilder.ApplicationName);
    }
}
