using Crm.Api.Features.Ai;
using Crm.Api.Features.Auth;
using Crm.Api.Features;
using Crm.Api.Features.Demo;
using Crm.Api.Features.Imports;
using Crm.Api.Features.Notifications;
using Crm.Api.Features.Search;
using Crm.Api.Features.ServiceInfo;
using Crm.Api.Infrastructure.Caching;
using Crm.Api.Infrastructure.OpenApi;
using Crm.Api.Infrastructure.RateLimiting;
using Crm.Api.Infrastructure.Tenancy;
using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.ServiceDefaults.Clients;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDbContext<CrmDbContext>(onRent: TenantSessionAccessor.ApplyTo);
builder.AddCrmAuth();
builder.AddCrmMigrations();
// Redis is an accelerator here (cache, rate limits): while it is down the API answers from PostgreSQL, so /health says
// Degraded (200), not Unhealthy (503), and no readiness probe takes the API out of service for it.
builder.AddCrmRedis(whenUnreachable: HealthStatus.Degraded);
builder.AddCrmRateLimiting();
builder.AddCrmCaching();
builder.AddCrmOpenApi();
builder.AddCrmImports();
builder.AddCrmNotifications();
builder.AddCrmDemo();
builder.AddCrmSearch();
builder.AddCrmAi();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.UseCrmAuth();
app.UseCrmRateLimiting();
app.MapDefaultEndpoints();
app.MapCrmOpenApi();
app.MapServiceInfoEndpoints();
app.MapResourceEndpoints();
app.MapSearchEndpoints();
app.MapSemanticSearchEndpoints();
app.MapLeadScoreEndpoints();
app.MapSummaryEndpoints();
app.MapSegmentEndpoints();
app.MapForecastEndpoints();

app.Run();

// Visible to the API's integration tests (WebApplicationFactory<Program>).
public partial class Program;
