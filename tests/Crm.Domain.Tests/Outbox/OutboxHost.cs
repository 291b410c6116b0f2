using System.Collections.Concurrent;
using Crm.Domain.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Crm.Domain.Tests.Outbox;

/// <summary>What a consumer replica was given: every event, in the order it was handed over, and which replica had it.</summary>
internal sealed class HandledEvents
{
    public ConcurrentQueue<(string Replica, OutboxEvent Event)> All { get; } = new();

    /// <summary>Called before each batch is recorded: throw to fail the batch.</summary>
    public Func<IReadOnlyList<OutboxEvent>, Task> BeforeBatch { get; set; } = _ => Task.CompletedTask;

    public IEnumerable<OutboxEvent> Events => All.Select(e => e.Event);

    /// <summary>Waits (at most 30 s) until <paramref name="done"/> holds for the recorded events.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<OutboxEvent>, bool> done)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!done([.. Events]))
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

/// <summary>The consumer under test: records its batches in the <see cref="HandledEvents"/> of its replica.</summary>
internal sealed class RecordingHandler(HandledEvents handled, ReplicaName replica) : IOutboxHandler
{
    public string Name => "test";

    public async Task HandleAsync(IReadOnlyList<OutboxEvent> events, CancellationToken cancellationToken)
    {
        await handled.BeforeBatch(events);
        foreach (var outboxEvent in events)
        {
            handled.All.Enqueue((replica.Value, outboxEvent));
        }
    }
}

internal sealed record ReplicaName(string Value);

/// <summary>A replica of a service with the test consumer and the relay, over the test database, with short waits.</summary>
internal static class OutboxHost
{
    public static async Task<IHost> StartAsync(NpgsqlDataSource dataSource, HandledEvents handled, string replica = "r1",
        Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Outbox:PollInterval"] = "00:00:00.500",
            ["Outbox:ConsumerBatchSize"] = "50",
            ["Outbox:MaxRetryDelay"] = "00:00:00.200",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Services.AddSingleton(dataSource);
        builder.Services.AddSingleton(handled);
        builder.Services.AddSingleton(new ReplicaName(replica));
        builder.AddOutboxConsumer<RecordingHandler>();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
