using Microsoft.Extensions.Logging;

namespace Crm.Domain.Tests.Migrations;

internal sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>Keeps every log entry (thread-safe) for assertions; a provider for hosts, or loggers for direct use.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Predicate, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IReadOnlyList<LogEntry> AtLevel(LogLevel level) => Entries.Where(entry => entry.Level == level).ToList();

    public ILogger<T> CreateLogger<T>() => new Logger<T>(this);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first entry matching <paramref name="predicate"/>, logged already or within <paramref name="timeout"/>.</summary>
    public Task<LogEntry> WaitForAsync(Func<LogEntry, bool> predicate, TimeSpan timeout)
    {
        lock (_lock)
        {
            if (_entries.FirstOrDefault(predicate) is { } logged)
            {
                return Task.FromResult(logged);
            }

            var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((predicate, found));
            return found.Task.WaitAsync(timeout);
        }
    }

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        lock (_lock)
        {
            _entries.Add(entry);
            foreach (var waiter in _waiters.Where(waiter => waiter.Predicate(entry)).ToList())
            {
                waiter.Found.TrySetResult(entry);
                _waiters.Remove(waiter);
            }
        }
    }

    private class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            recorder.Add(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }

    private sealed class Logger<T>(LogRecorder recorder) : Logger(recorder, typeof(T).FullName!), ILogger<T>;
}
