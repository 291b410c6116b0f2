namespace Crm.AppHost.Local;

/// <summary>Writes every child's output to the console as "name | line", each name in its own colour.</summary>
internal sealed class LogSink
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleColor> _colours = [];
    private readonly int _nameWidth;

    public LogSink(int nameWidth) => _nameWidth = nameWidth;

    public void Write(string name, string line)
    {
        lock (_gate)
        {
            if (!_colours.TryGetValue(name, out var colour))
            {
                colour = Palette[_colours.Count % Palette.Length];
                _colours[name] = colour;
            }

            var useColour = !Console.IsOutputRedirected;
            if (useColour)
            {
                Console.ForegroundColor = colour;
            }
            Console.Write(name.PadRight(_nameWidth));
            Console.Write(" | ");
            if (useColour)
            {
                Console.ResetColor();
            }
            Console.WriteLine(line);
        }
    }

    /// <summary>The AppHost's own messages.</summary>
    public void Info(string message) => Write("apphost", message);
}
