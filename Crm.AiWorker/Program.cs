using Crm.AiWorker.Features.Embeddings;
using Crm.AiWorker.Features.Jobs;
using Crm.Domain.Migrations;
using Crm.ServiceDefaults.Clients;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDataSource();
builder.AddCrmMigrations();
builder.AddCrmRedis();
var useRemoteAi = builder.AddCrmAiConnection();
builder.AddJobLoop();
builder.AddLocalEmbeddings();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.MapDefaultEndpoints();
app.Logger.LogInformation("AI provider: {Provider}",
    useRemoteAi ? "OpenAI-compatible endpoint (ConnectionStrings:ai)" : "local models (ConnectionStrings:ai is not set)");

app.Run();
