using Microsoft.Extensions.Configuration;

// The Aspire 13 app model (DESIGN.md section 4). Resource names are the contract shared with local mode: services
// read ConnectionStrings__crmdb/redis/elasticsearch/ai and find each other through services__api__http__0 etc.
var builder = DistributedApplication.CreateBuilder(args);

// Provisions Azure Container Apps for `azd up`; it adds nothing to the model when running locally.
builder.AddAzureContainerAppEnvironment("env");

// PostgreSQL 17 with the pgvector extension the embeddings need.
var postgres = builder.AddPostgres("postgres")
    .WithImage("pgvector/pgvector", "pg17");
var elasticsearch = builder.AddElasticsearch("elasticsearch");

// Local data survives restarts. Not in Azure: Container Apps backs volumes with Azure Files, on which PostgreSQL cannot
// initialise its data directory (microsoft/aspire#6671); the search index is to be rebuilt from PostgreSQL (issue #4).
if (builder.ExecutionContext.IsRunMode)
{
    postgres.WithDataVolume();
    elasticsearch.WithDataVolume();
}

// Two connections to one database: crmdb-owner (the superuser, which owns the schema) is for migrations only;
// crmdb is the login the services use for everything else. It owns nothing, so PostgreSQL's row-level security holds
// for it (DESIGN.md section 6); the services create it at their first start (Crm.Domain's ServiceLogin).
var crmdbOwner = postgres.AddDatabase("crmdb-owner", databaseName: "crmdb");
// Letters and digits only, so it needs no quoting inside the connection string.
var servicePassword = builder.AddParameter("crmdb-service-password",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
var crmdb = builder.AddConnectionString("crmdb", ReferenceExpression.Create(
    $"Host={postgres.Resource.PrimaryEndpoint.Property(EndpointProperty.Host)};Port={postgres.Resource.PrimaryEndpoint.Property(EndpointProperty.Port)};Username=crm_service;Password={servicePassword};Database=crmdb"));
var redis = builder.AddRedis("redis");

// A remote OpenAI-compatible endpoint is optional: without it the worker uses its local models.
var ai = string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("ai"))
    ? null
    : builder.AddConnectionString("ai");

var search = builder.AddProject<Projects.Crm_Search>("search")
    .WithHttpHealthCheck("/health")
    .WithReference(crmdb).WithReference(crmdbOwner).WaitFor(crmdbOwner)
    .WithReference(redis).WaitFor(redis)
    .WithReference(elasticsearch).WaitFor(elasticsearch);

// The API calls search and the AI worker but waits for neither: search and AI answers degrade while they start, the
// API does not.
// The secret the API encrypts its Data Protection key ring with (the keys that sign tokens), kept out of the database.
var keyEncryptionKey = builder.AddParameter("dataprotection-key-encryption-key",
    new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);

var aiWorker = builder.AddProject<Projects.Crm_AiWorker>("aiworker")
    .WithHttpHealthCheck("/health")
    .WithReference(crmdb).WithReference(crmdbOwner).WaitFor(crmdbOwner)
    .WithReference(redis).WaitFor(redis);

var api = builder.AddProject<Projects.Crm_Api>("api")
    .WithHttpHealthCheck("/health")
    .WithEnvironment("DataProtection__KeyEncryptionKey", keyEncryptionKey)
    .WithReference(crmdb).WithReference(crmdbOwner).WaitFor(crmdbOwner)
    .WithReference(redis).WaitFor(redis)
    .WithReference(search)
    .WithReference(aiWorker);

if (ai is not null)
{
    aiWorker.WithReference(ai);
}

// Redis holds the web's sign-in sessions (the API tokens of each browser), shared by its replicas.
builder.AddProject<Projects.Crm_Web>("web")
    .WithHttpHealthCheck("/health")
    .WithReference(redis).WaitFor(redis)
    .WithReference(api).WaitFor(api)
    .WithExternalHttpEndpoints();

builder.Build().Run();
