namespace Crm.Api.Features.Demo;

/// <summary>
/// The <c>Demo</c> configuration section: whether this API fills a demo workspace at start (<see cref="DemoSeeder"/>),
/// its login, and how much it holds. The local AppHost turns it on with a generated password; production leaves it off.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    public string Email { get; set; } = "demo@crm.local";

    /// <summary>Required when <see cref="Enabled"/>: the start fails without it rather than invent a login nobody knows.</summary>
    public string? Password { get; set; }

    public string WorkspaceName { get; set; } = "Demo Company";

    /// <summary>The random seed: the same seed and counts give the same records (names, amounts, stages, dates relative to the day of filling).</summary>
    public int Seed { get; set; } = 20261122;

    public int Companies { get; set; } = 2_000;

    public int Contacts { get; set; } = 5_000;

    public int Leads { get; set; } = 1_500;

    public int Deals { get; set; } = 800;

    public int Activities { get; set; } = 10_000;

    public int Notes { get; set; } = 2_000;

    /// <summary>Checked at start (<c>ValidateOnStart</c>); null when the options are usable.</summary>
    public string? Problem()
    {
        if (!Enabled)
        {
            return null;
        }
        if (string.IsNullOrEmpty(Password))
        {
            return "Demo:Password is required when Demo:Enabled is true (the AppHost generates one into .crm/secrets.json).";
        }
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrWhiteSpace(WorkspaceName))
        {
            return "Demo:Email and Demo:WorkspaceName must not be empty.";
        }
        if (Companies < 1 || Contacts < 1 || Leads < 0 || Deals < 0 || Activities < 0 || Notes < 0)
        {
            return "Demo: Companies and Contacts must be at least 1; Leads, Deals, Activities and Notes at least 0.";
        }
        return null;
    }
}
