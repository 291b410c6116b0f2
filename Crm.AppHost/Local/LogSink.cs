namespace Crm.AppHost.Local;

/// <summary>Writes every child's output to the console as "name | line", each name in its own colour.</summary>
internal sealed class LogSink(int nameWidth)
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleColor> _colours = [];
    private bool _consoleGone;

    public void Write(string name, string line)
    {
        lock (_gate)
        {
            if (_consoleGone)
            {
                return;
            }
            if (!_colours.TryGetValue(name, out var colour))
            {
                colour = Palette[_colours.Count % Palette.Length];
                _colours[name] = colour;
            }

            try
            {
                var useColour = !Console.IsOutputRedirected;
                if (useColour)
                {
                    Console.ForegroundColor = colour;
                }
                Console.Write(name.PadRight(nameWidth));
                Console.Write(" | ");
                if (useColour)
                {
                    Console.ResetColor();
                }
                Console.WriteLine(line);
            }
            catch (IOException)
            {
                // The terminal is gone (hang-up, closed pipe, full disk). Losing log lines must not take the AppHost
                // down before it has stopped its children: carry on without a console.
                _consoleGone = true;
            }
        }
    }

    /// <summary>Text for the user without a prefix (the status table).</summary>
    public void Print(string text)
    {
        lock (_gate)
        {
            try
            {
                if (!_consoleGone)
                {
                    Console.Write(text);
                }
            }
            catch (IOException)
            {
                _consoleGone = true;
            }
        }
    }

    /// <summary>The AppHost's own messages.</summary>
    public void Info(string message) => Write("apphost", message);
}
