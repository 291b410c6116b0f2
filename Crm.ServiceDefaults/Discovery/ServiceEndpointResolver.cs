using Microsoft.Extensions.Configuration;

namespace Crm.ServiceDefaults.Discovery;

/// <summary>
/// Resolves logical service addresses such as <c>http://api</c> from the configuration Aspire hands every service:
/// <c>services__{name}__{endpoint}__{index}</c> environment variables, i.e. the <c>services:{name}:{endpoint}:{index}</c>
/// configuration keys. A scheme of <c>https+http</c> means "https when the service has it, else http".
/// </summary>
/// <remarks>
/// Microsoft.Extensions.ServiceDiscovery is not available in this environment; this covers the part we use:
/// configuration-based endpoints with round-robin over several replicas. Names it does not know are left alone,
/// so plain DNS names (for example inside Azure Container Apps) keep working.
/// </remarks>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    private int _nextIndex = -1;

    /// <summary>Returns the URI with its scheme and authority replaced by a configured endpoint, or the URI unchanged.</summary>
    public Uri Resolve(Uri uri)
    {
        if (!uri.IsAbsoluteUri)
        {
            return uri;
        }

        foreach (var scheme in uri.Scheme.Split('+'))
        {
            var endpoints = GetEndpoints(uri.Host, scheme);
            if (endpoints.Count > 0)
            {
                var endpoint = endpoints[(int)((uint)Interlocked.Increment(ref _nextIndex) % (uint)endpoints.Count)];
                return new UriBuilder(uri)
                {
                    Scheme = endpoint.Scheme,
                    Host = endpoint.Host,
                    Port = endpoint.Port,
                }.Uri;
            }
        }

        // Unknown service: let DNS decide, but a composite scheme is not something a socket understands.
        return uri.Scheme.Contains('+', StringComparison.Ordinal)
            ? new UriBuilder(uri) { Scheme = uri.Scheme.Split('+')[0], Port = uri.IsDefaultPort ? -1 : uri.Port }.Uri
            : uri;
    }

    /// <summary>The configured endpoints of one service for one endpoint name ("http", "https", ...), in index order.</summary>
    public IReadOnlyList<Uri> GetEndpoints(string serviceName, string endpointName)
    {
        var section = configuration.GetSection($"services:{serviceName}:{endpointName}");
        var endpoints = new List<Uri>();
        foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (Uri.TryCreate(child.Value, UriKind.Absolute, out var endpoint))
            {
                endpoints.Add(endpoint);
            }
        }
        return endpoints;
    }
}
