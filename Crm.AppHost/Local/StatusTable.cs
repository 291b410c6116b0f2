using System.Text;

namespace Crm.AppHost.Local;

/// <summary>The table printed once everything has started: name, state and address of each resource.</summary>
internal sealed class StatusTable
{
    private readonly List<(string Name, string State, string Address)> _rows = [];

    public void Add(string name, string state, string address) => _rows.Add((name, state, address));

    public override string ToString()
    {
        var rows = _rows.Prepend((Name: "NAME", State: "STATE", Address: "ADDRESS")).ToList();
        var nameWidth = rows.Max(r => r.Name.Length) + 2;
        var stateWidth = rows.Max(r => r.State.Length) + 2;
        var text = new StringBuilder();
        foreach (var (name, state, address) in rows)
        {
            text.Append("  ").Append(name.PadRight(nameWidth)).Append(state.PadRight(stateWidth)).AppendLine(address);
        }
        return text.ToString();
    }
}
