using System.Net;
using System.Net.Sockets;

namespace Crm.AppHost.Local;

/// <summary>The ports of one run. Fixed by default so URLs are memorable; free ephemeral ports when the base is 0.</summary>
internal sealed record PortPlan(int Web, int Api, int Search, int AiWorker, int Postgres, int Redis)
{
    public static PortPlan From(int portBase)
    {
        if (portBase == 0)
        {
            // All six listeners stay open until every port is chosen, so the system cannot hand out one port twice.
            var listeners = Enumerable.Range(0, 6).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
            try
            {
                listeners.ForEach(listener => listener.Start());
                var ports = listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToList();
                return new PortPlan(ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]);
            }
            finally
            {
                listeners.ForEach(listener => listener.Dispose());
            }
        }
        return new PortPlan(portBase, portBase + 1, portBase + 2, portBase + 3, portBase + 4, portBase + 5);
    }

    public int For(string serviceName) => serviceName switch
    {
        "web" => Web,
        "api" => Api,
        "search" => Search,
        "aiworker" => AiWorker,
        _ => throw new ArgumentOutOfRangeException(nameof(serviceName), serviceName, "Not a service of this AppHost."),
    };

    /// <summary>Fails early, naming the port, instead of letting a server die with "address in use".</summary>
    public static void EnsureAvailable(string owner, int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException)
        {
            throw new LocalAppHostException(
                $"Port {port} (for {owner}) is already in use. Stop whatever uses it (another AppHost?) or pass --port-base <n>.");
        }
    }
}
