using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Crm.AppHost.Local;

/// <summary>A redis-server of the AppHost's own on 127.0.0.1, password-protected as Aspire's is, data under .crm/redis.</summary>
internal sealed class RedisServer(string dataRoot, int port, string password, LogSink log)
{
    public int Port => port;

    /// <summary>StackExchange.Redis format, the same shape Aspire gives services.</summary>
    public string ConnectionString => $"127.0.0.1:{port},password={password}";

    public async Task<ChildProcess> StartAsync(string marker, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(dataRoot, "redis");
        Directory.CreateDirectory(dataDirectory);

        var startInfo = new ProcessStartInfo("redis-server");
        foreach (var argument in new[]
        {
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", dataDirectory,
            "--save", "60 1",
            "--daemonize", "no",
            "--requirepass", password,
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        ChildProcess server;
        try
        {
            server = ChildProcess.Start("redis", startInfo, log, marker);
        }
        catch (LocalAppHostException exception)
        {
            throw new LocalAppHostException("redis-server could not be started. Run scripts/setup.sh to install it.", exception);
        }

        await WaitUntilAnsweringAsync(server, cancellationToken);
        return server;
    }

    private async Task WaitUntilAnsweringAsync(ChildProcess server, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await PingAsync(cancellationToken))
        {
            if (server.HasExited)
            {
                throw new LocalAppHostException($"redis-server exited with code {server.ExitCode}; its log lines above say why.");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new LocalAppHostException("redis-server did not answer within 30 s.");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>AUTH then PING in RESP; true on +OK / +PONG.</summary>
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
