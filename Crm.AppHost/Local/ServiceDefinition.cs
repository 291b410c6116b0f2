namespace Crm.AppHost.Local;

/// <summary>
/// One service of the system and what it is given; the same graph as Aspire/Program.cs (names matter: services
/// find each other as http://{name}).
/// </summary>
internal sealed record ServiceDefinition(
    string Name, string Project, bool UsesData, bool IssuesTokens, string[] Calls, string[] OptionalConnections, bool FillsDemo = false,
    bool UsesRedis = false)
{
    public static readonly ServiceDefinition[] All =
    [
        new("api", "Crm.Api", UsesData: true, IssuesTokens: true, Calls: ["search", "aiworker"], OptionalConnections: [], FillsDemo: true),
        new("search", "Crm.Search", UsesData: true, IssuesTokens: false, Calls: [], OptionalConnections: ["elasticsearch"]),
        new("aiworker", "Crm.AiWorker", UsesData: true, IssuesTokens: false, Calls: [], OptionalConnections: ["ai"]),
        new("web", "Crm.Web", UsesData: false, IssuesTokens: false, Calls: ["api"], OptionalConnections: [], UsesRedis: true),
    ];

    /// <summary>
    /// The environment Aspire would give this service, for local processes; the API also gets the demo login
    /// (<paramref name="demo"/>, null with --no-demo).
    /// </summary>
    public Dictionary<string, string> Environment(
        PortPlan ports, DataConnections connections, string dataProtectionKey, DemoLogin? demo, Func<string, string?> hostVariable)
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = Url(ports.For(Name)),
            ["ASPNETCORE_ENVIRONMENT"] = hostVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
            ["OTEL_SERVICE_NAME"] = Name,
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        if (UsesData)
        {
            variables["ConnectionStrings__crmdb"] = connections.Database;
            variables["ConnectionStrings__crmdb-owner"] = connections.DatabaseOwner;
        }
        if (UsesData || UsesRedis)
        {
            variables["ConnectionStrings__redis"] = connections.Redis;
        }
        if (IssuesTokens)
        {
            variables["DataProtection__KeyEncryptionKey"] = dataProtectionKey;
        }
        if (FillsDemo && demo is not null)
        {
            foreach (var (name, value) in demo.Environment())
            {
                variables[name] = value;
            }
        }
        foreach (var service in Calls)
        {
            variables[$"services__{service}__http__0"] = Url(ports.For(service));
        }

        // Optional resources and the telemetry endpoint are passed on when the developer set them for the AppHost.
        foreach (var connection in OptionalConnections)
        {
            if (hostVariable($"ConnectionStrings__{connection}") is { Length: > 0 } value)
            {
                variables[$"ConnectionStrings__{connection}"] = value;
            }
        }
        foreach (var otel in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS" })
        {
            if (hostVariable(otel) is { Length: > 0 } value)
            {
                variables[otel] = value;
            }
        }
        return variables;
    }

    public static string Url(int port) => $"http://localhost:{port}";
}

/// <summary>
/// What a data service connects to: crmdb as the service login, crmdb as the schema owner (for migrations only), and Redis.
/// </summary>
internal sealed record DataConnections(string Database, string DatabaseOwner, string Redis);
