namespace Crm.Search.Tests.Elasticsearch;

/// <summary>
/// A contract test against a real Elasticsearch: it runs when <c>CRM_TEST_ELASTICSEARCH_URL</c> is set (a URL with
/// credentials in its user info, as <c>ConnectionStrings:elasticsearch</c>) and is reported as skipped, with the reason,
/// when it is not. (xunit v2 has no dynamic skip; setting <see cref="FactAttribute.Skip"/> here is its native way.)
/// </summary>
public sealed class ElasticsearchFactAttribute : FactAttribute
{
    public const string UrlVariable = "CRM_TEST_ELASTICSEARCH_URL";

    public ElasticsearchFactAttribute()
    {
        if (Url is null)
        {
            Skip = $"{UrlVariable} is not set: this Elasticsearch contract test needs a server, " +
                   $"e.g. {UrlVariable}=http://elastic:password@localhost:9200";
        }
    }

    public static string? Url => Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url ? url : null;
}
