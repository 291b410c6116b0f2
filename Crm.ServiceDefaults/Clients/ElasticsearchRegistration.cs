using System.Net.Http.Headers;
using System.Text;
using Crm.ServiceDefaults.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.ServiceDefaults.Clients;

public static class ElasticsearchRegistration
{
    public const string HttpClientName = "elasticsearch";

    /// <summary>
    /// When <c>ConnectionStrings:elasticsearch</c> is set (a URL, credentials in its user info as Aspire writes it:
    /// <c>http://elastic:password@host:9200</c>), a named HttpClient for the REST API with a health check.
    /// Returns false when it is not configured: callers fall back to PostgreSQL full-text search.
    /// </summary>
    public static bool AddCrmElasticsearch(this IHostApplicationBuilder builder, string connectionName = ConnectionNames.Elasticsearch)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        var endpoint = ParseEndpoint(connectionString);
        builder.Services.AddHttpClient(HttpClientName, client =>
        {
            client.BaseAddress = endpoint.BaseAddress;
            client.DefaultRequestHeaders.Authorization = endpoint.Authorization;
        });
        builder.Services.AddHealthChecks().AddCheck<ElasticsearchHealthCheck>(connectionName, timeout: TimeSpan.FromSeconds(5));
        return true;
    }

    internal static ElasticsearchEndpoint ParseEndpoint(string connectionString)
    {
        if (!Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                "Connection string 'elasticsearch' must be an http(s) URL such as http://elastic:password@localhost:9200.");
        }

        AuthenticationHeaderValue? authorization = null;
        if (uri.UserInfo.Length > 0)
        {
            var credentials = Uri.UnescapeDataString(uri.UserInfo);
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        var baseAddress = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        if (!baseAddress.Path.EndsWith('/'))
        {
            baseAddress.Path += "/";
        }
        return new ElasticsearchEndpoint(baseAddress.Uri, authorization);
    }

    internal sealed record ElasticsearchEndpoint(Uri BaseAddress, AuthenticationHeaderValue? Authorization);
}
