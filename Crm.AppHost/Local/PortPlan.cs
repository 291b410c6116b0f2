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
            return new PortPlan(FreePort(), FreePort(), FreePort(), FreePort(), FreePort(), FreePort());
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
