namespace Crm.ServiceDefaults.Clients;

/// <summary>The connection names the AppHost uses in both modes (<c>ConnectionStrings:{name}</c>).</summary>
public static class ConnectionNames
{
    public const string Database = "crmdb";
    public const string Redis = "redis";
    public const string Elasticsearch = "elasticsearch";
    public const string Ai = "ai";
}
