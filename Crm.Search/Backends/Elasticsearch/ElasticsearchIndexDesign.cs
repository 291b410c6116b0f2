using System.Text.Json.Nodes;
using Crm.Domain.Search;

namespace Crm.Search.Backends.Elasticsearch;

/// <summary>
/// Names and the index template. One index per type, reached through an alias: readers and writers use
/// <c>{prefix}-{type}</c>, which points at <c>{prefix}-{type}-{generation}</c>; a rebuild fills a new generation and
/// swaps the alias. Every document is routed by its workspace, so a workspace's search touches one shard per index.
/// </summary>
internal sealed class ElasticsearchIndexDesign(string prefix)
{
    /// <summary>The generation of the indexes created on first use; rebuilds use a UTC timestamp.</summary>
    public const string InitialGeneration = "0";

    public const string WordAnalyzer = "crm_word";
    public const string PrefixAnalyzer = "crm_prefix";
    public const string PrefixSearchAnalyzer = "crm_prefix_search";
    public const int MinGram = 2;
    public const int MaxGram = 15;

    /// <summary>Bumped when the template changes in a way that needs a rebuild; kept in the template's and indexes' _meta.</summary>
    public const int DesignVersion = 1;

    public string Prefix => prefix;

    public string TemplateName => $"{prefix}-search";

    public string Alias(string type) => $"{prefix}-{type}";

    public string Index(string type, string generation) => $"{prefix}-{type}-{generation}";

    /// <summary>
    /// The alias a rebuild writes the new generation through (deleted with it): bulk writes always go to an alias
    /// (<c>require_alias=true</c>), so a write can never create an index that nobody asked for.
    /// </summary>
    public string LoadAlias(string type, string generation) => $"{prefix}-{type}-{generation}-load";

    public IEnumerable<string> Aliases(IEnumerable<string> types) => types.Select(Alias);

    public static string DocumentId(Guid workspaceId, Guid id) => $"{workspaceId}:{id}";

    /// <summary>A rebuild's generation: sortable, lowercase, unique enough for one rebuild at a time.</summary>
    public static string NewGeneration(DateTimeOffset now) => now.UtcDateTime.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The composable index template: settings (shards, replicas, analyzers) and strict mappings for every
    /// <c>{prefix}-{type}-*</c> index. Analyzers: <c>crm_word</c> (standard tokenizer, lowercase, asciifolding: "José"
    /// is found by "jose") for matching and fuzziness; <c>crm_prefix</c> (the same plus edge n-grams 2..15: "acme" is
    /// indexed as "ac", "acm", "acme") on <c>title.prefix</c> and <c>keywords.prefix</c>, searched with
    /// <c>crm_prefix_search</c> (<c>crm_word</c> truncated to 15 characters, so a typed prefix longer than the longest
    /// gram still matches).
    /// </summary>
    public JsonObject Template(int shards, int replicas, int priority) => new()
    {
        ["index_patterns"] = Strings(SearchTypes.All.Select(type => $"{prefix}-{type}-*")),
        ["priority"] = priority,
        ["_meta"] = new JsonObject { ["crm_design_version"] = DesignVersion },
        ["template"] = new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["number_of_shards"] = shards,
                ["number_of_replicas"] = replicas,
                ["analysis"] = new JsonObject
                {
                    ["filter"] = new JsonObject
                    {
                        ["crm_edge_ngram"] = new JsonObject { ["type"] = "edge_ngram", ["min_gram"] = MinGram, ["max_gram"] = MaxGram },
                        ["crm_truncate"] = new JsonObject { ["type"] = "truncate", ["length"] = MaxGram },
                    },
                    ["analyzer"] = new JsonObject
                    {
                        [WordAnalyzer] = Analyzer("lowercase", "asciifolding"),
                        [PrefixAnalyzer] = Analyzer("lowercase", "asciifolding", "crm_edge_ngram"),
                        [PrefixSearchAnalyzer] = Analyzer("lowercase", "asciifolding", "crm_truncate"),
                    },
                },
            },
            ["mappings"] = new JsonObject
            {
                // A document without its workspace as routing would land on a shard no search of that workspace reads.
                ["_routing"] = new JsonObject { ["required"] = true },
                ["dynamic"] = "strict",
                ["properties"] = new JsonObject
                {
                    ["workspace_id"] = Keyword(),
                    ["type"] = Keyword(),
                    ["id"] = Keyword(),
                    ["title"] = new JsonObject
                    {
                        ["type"] = "text",
                        ["analyzer"] = WordAnalyzer,
                        ["fields"] = new JsonObject
                        {
                            ["prefix"] = PrefixField(),
                            ["keyword"] = new JsonObject { ["type"] = "keyword", ["ignore_above"] = 256 },
                        },
                    },
                    // Shown under the title, not searched (the PostgreSQL backend does not search it either).
                    ["subtitle"] = new JsonObject { ["type"] = "text", ["index"] = false },
                    ["keywords"] = new JsonObject
                    {
                        ["type"] = "text",
                        ["analyzer"] = WordAnalyzer,
                        ["fields"] = new JsonObject { ["prefix"] = PrefixField() },
                    },
                    ["body"] = new JsonObject { ["type"] = "text", ["analyzer"] = WordAnalyzer },
                    ["owner_id"] = Keyword(),
                    ["stage_id"] = Keyword(),
                    ["tags"] = Keyword(),
                    ["updated_at"] = new JsonObject { ["type"] = "date" },
                    // Read back by the consistency check only: kept in _source, neither indexed nor aggregatable.
                    ["fingerprint"] = new JsonObject { ["type"] = "keyword", ["index"] = false, ["doc_values"] = false },
                },
            },
        },
    };

    private static JsonObject Analyzer(params string[] filters) => new()
    {
        ["type"] = "custom",
        ["tokenizer"] = "standard",
        ["filter"] = Strings(filters),
    };

    internal static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode?)JsonValue.Create(value)).ToArray());

    private static JsonObject Keyword() => new() { ["type"] = "keyword" };

    private static JsonObject PrefixField() => new()
    {
        ["type"] = "text",
        ["analyzer"] = PrefixAnalyzer,
        ["search_analyzer"] = PrefixSearchAnalyzer,
    };
}
