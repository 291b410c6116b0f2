using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.Domain.Outbox;
using Crm.Search.Features.Documents;
using Crm.Search.Features.Indexing;
using Crm.Search.Features.Query;
using Crm.ServiceDefaults.Clients;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDbContext<CrmDbContext>();
builder.AddCrmMigrations();
// Redis only carries the search-result generation bump (best effort): while it is down /health says Degraded, not Unhealthy.
builder.AddCrmRedis(whenUnreachable: HealthStatus.Degraded);
builder.AddSearchBackend();
builder.Services.AddSearchDocumentSources();
builder.Services.AddSingleton<SearchTelemetry>();
builder.Services.AddSingleton<SearchIndexMaintenance>();
builder.AddOutboxConsumer<SearchIndexer>();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.MapDefaultEndpoints();
var internalApi = app.MapGroup("").RequireServiceKey(ServiceKey.Search, app.Configuration);
internalApi.MapSearchEndpoints();
internalApi.MapIndexEndpoints();

app.Run();

// Visible to the search service's integration tests (WebApplicationFactory<Program>).
public partial class Program;
