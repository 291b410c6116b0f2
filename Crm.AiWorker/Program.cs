using Crm.AiWorker.Features.Embeddings;
using Crm.AiWorker.Features.Forecasts;
using Crm.AiWorker.Features.Jobs;
using Crm.AiWorker.Features.LeadScoring;
using Crm.AiWorker.Features.Providers;
using Crm.AiWorker.Features.Segments;
using Crm.AiWorker.Features.Summaries;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.ServiceDefaults.Clients;
using Microsoft.Extensions.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDbContext<CrmDbContext>();
builder.AddCrmMigrations();
// Nothing the worker does needs Redis: while it is down /health says Degraded, not Unhealthy.
builder.AddCrmRedis(whenUnreachable: HealthStatus.Degraded);
builder.AddJobLoop();
builder.Services.AddSingleton<AiWorkspaces>();
builder.Services.AddSingleton<AiTaskLog>();
builder.Services.AddHostedService<AiTaskRetention>();
builder.AddLocalEmbeddings();
var aiModels = builder.AddCrmAiProviders(); // After the local embeddings: a remote embedding model replaces them.
builder.AddEmbeddingIndexing();
builder.AddLeadScoring();
builder.AddSummaries();
builder.AddSegmentation();
builder.AddForecasting();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.MapDefaultEndpoints();
app.MapGroup("").RequireServiceKey(ServiceKey.Ai, app.Configuration)
    .MapEmbeddingEndpoints()
    .MapSummaryEndpoints();
app.Logger.LogInformation("AI models: embeddings {Embeddings}, chat {Chat}",
    aiModels.Embeddings, aiModels.Chat?.ToString() ?? "none (summaries are extractive)");

app.Run();

// Visible to the worker's integration tests (WebApplicationFactory<Program>).
public partial class Program;
