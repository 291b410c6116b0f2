using Crm.AiWorker.Features.Embeddings;
using Crm.AiWorker.Features.Jobs;
using Crm.AiWorker.Features.Tasks;
using Crm.Domain;
using Crm.Domain.Migrations;
using Crm.ServiceDefaults.Clients;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDbContext<CrmDbContext>();
builder.AddCrmMigrations();
builder.AddCrmRedis();
var useRemoteAi = builder.AddCrmAiConnection();
builder.AddJobLoop();
builder.Services.AddSingleton<AiWorkspaces>();
builder.Services.AddSingleton<AiTaskLog>();
builder.AddLocalEmbeddings();
builder.AddEmbeddingIndexing();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.MapDefaultEndpoints();
app.MapGroup("").RequireServiceKey(ServiceKey.Ai, app.Configuration)
    .MapEmbeddingEndpoints();
app.Logger.LogInformation("AI provider: {Provider}",
    useRemoteAi ? "OpenAI-compatible endpoint (ConnectionStrings:ai)" : "local models (ConnectionStrings:ai is not set)");

app.Run();

// Visible to the worker's integration tests (WebApplicationFactory<Program>).
public partial class Program;
