using System.Reflection;

namespace Crm.AppHost.Local;

/// <summary>Command-line options of local mode. Every option has a default: <c>dotnet run --project Crm.AppHost</c> needs none.</summary>
internal sealed record LocalOptions(
    string RepositoryRoot, string BuildConfiguration, string DataDirectory, int PortBase, bool InfraOnly, string? EnvFile, bool Demo = true)
{
    /// <summary>web, api, search, aiworker, postgres and redis take six consecutive ports from here.</summary>
    public const int DefaultPortBase = 5180;

    public const string Usage = """
        Usage: dotnet run --project Crm.AppHost [-- options]
          --data-dir <path>    where PostgreSQL and Redis keep their data (default: <repository>/.crm)
          --port-base <n>      first of six consecutive ports: web, api, search, aiworker, postgres, redis
                               (default: 5180); 0 picks free ports
          --infra-only         start only PostgreSQL and Redis (used by the test script)
          --env-file <path>    once everything is up, write its addresses there as NAME='value' lines
          --no-demo            no demo workspace (by default the API fills one and its login is printed)
          --help               show this text
        """;

    public static LocalOptions Parse(string[] args)
    {
        var metadata = typeof(LocalOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value ?? string.Empty);
        var repositoryRoot = metadata["CrmRepositoryRoot"];
        var options = new LocalOptions(repositoryRoot, metadata["CrmBuildConfiguration"],
            Path.Combine(repositoryRoot, ".crm"), DefaultPortBase, InfraOnly: false, EnvFile: null);

        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--data-dir" => options with { DataDirectory = Path.GetFullPath(Value()) },
                "--port-base" => options with { PortBase = ParsePortBase(Value()) },
                "--infra-only" => options with { InfraOnly = true },
                "--env-file" => options with { EnvFile = Path.GetFullPath(Value()) },
                "--no-demo" => options with { Demo = false },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }
        return options;
    }

    private static int ParsePortBase(string text) =>
        int.TryParse(text, out var port) && (port == 0 || port is >= 1024 and <= 65535 - 5)
            ? port
            : throw new ArgumentException($"--port-base must be 0 or a port between 1024 and 65530, not '{text}'.");
}
