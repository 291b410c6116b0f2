namespace Crm.AppHost.Local;

/// <summary>
/// The demo workspace's login: handed to the API (its <c>Demo</c> section), which creates and fills the workspace, and
/// printed with the status table. The password is generated once into .crm/secrets.json (<see cref="LocalSecrets"/>).
/// </summary>
internal sealed record DemoLogin(string Email, string Password)
{
    public const string DefaultEmail = "demo@crm.local";

    /// <summary>The API's configuration for it, as environment variables.</summary>
    public Dictionary<string, string> Environment() => new()
    {
        ["Demo__Enabled"] = "true",
        ["Demo__Email"] = Email,
        ["Demo__Password"] = Password,
    };

    /// <summary>What the console shows once everything is healthy.</summary>
    public string Describe(string webUrl, string apiUrl) =>
        $"""
          Demo workspace: sign in at {webUrl} as {Email} with password {Password}
            (API {apiUrl}/api/v1; the API fills the workspace in the background and logs when it is done; --no-demo turns it off)
        """;
}
