using System.Text.Json;

namespace Crm.Web.Api;

/// <summary>The API's JSON: camelCase names, numbers possibly as strings (decimals), web defaults otherwise.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
