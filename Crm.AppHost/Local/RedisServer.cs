using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Crm.AppHost.Local;

/// <summary>A redis-server of the AppHost's own on 127.0.0.1, password-protected as Aspire's is, data under .crm/redis.</summary>
internal sealed class RedisServer(string dataRoot, int port, string password, LogSink log)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>StackExchange.Redis format, the same shape Aspire gives services.</summary>
    public string ConnectionString => $"127.0.0.1:{port},password={password}";

    /// <summary>Starts the server, hands it to <paramref name="track"/> at once (so it is stopped even if waiting fails), then waits for PONG.</summary>
    public async Task StartAsync(Action<ChildProcess> track, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(dataRoot, "redis");
        Directory.CreateDirectory(dataDirectory);

        // The configuration, password included, goes through stdin ("redis-server -"): a command line is readable by
        // every local user in /proc.
        var configuration = $"""
            port {port}
            bind 127.0.0.1
            dir "{dataDirectory}"
            save 60 1
            daemonize no
            requirepass {password}

            """;
        ChildProcess server;
        try
        {
            server = ChildProcess.Start("redis", new ProcessStartInfo("redis-server") { ArgumentList = { "-" } }, log, dataRoot, configuration);
        }
        catch (LocalAppHostException exception)
        {
            throw new LocalAppHostException("redis-server could not be started. Run scripts/setup.sh to install it.", exception);
        }
        track(server);

        await Polling.UntilAsync(() => PingAsync(cancellationToken), server, StartTimeout, "redis-server", cancellationToken);
    }

    /// <summary>AUTH then PING in RESP; true on +PONG (false while refused or still loading its data).</summary>
    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"AUTH {password}\r\nPING\r\n"), cancellationToken);
            var buffer = new byte[64];
            var received = new StringBuilder();
            while (!received.ToString().Contains("+PONG", StringComparison.Ordinal) && !received.ToString().Contains('-'))
            {
                var count = await stream.ReadAsync(buffer, cancellationToken);
                if (count == 0)
                {
                    break;
                }
                received.Append(Encoding.UTF8.GetString(buffer, 0, count));
            }
            return received.ToString().Contains("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
