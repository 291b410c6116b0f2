using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.AppHost.Local;

namespace Crm.SystemTests;

/// <summary>Signing in as the demo user the AppHost prints, whose password it generated into secrets.json.</summary>
internal static class DemoSignIn
{
    public static async Task<string> PasswordAsync(string dataDirectory) =>
        JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDirectory, "secrets.json")))
            .RootElement.GetProperty("DemoPassword").GetString()!;

    /// <summary>POST /api/v1/auth/login, trying for up to a minute: the API creates the user just after it started.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient http, string apiUrl, string password)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var login = await http.PostAsJsonAsync($"{apiUrl}/api/v1/auth/login", new { email = DemoLogin.DefaultEmail, password });
            if (login.StatusCode != HttpStatusCode.Unauthorized || DateTime.UtcNow > deadline)
            {
                return login;
            }
            login.Dispose();
            await Task.Delay(1000);
        }
    }

    /// <summary>An HttpClient for the API with the demo user's bearer token.</summary>
    public static async Task<HttpClient> ClientAsync(string apiUrl, string dataDirectory)
    {
        var http = new HttpClient { BaseAddress = new Uri(apiUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var login = await PostAsync(http, apiUrl, await PasswordAsync(dataDirectory));
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
