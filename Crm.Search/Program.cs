using Crm.Domain.Migrations;
using Crm.ServiceDefaults.Clients;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmDataSource();
builder.AddCrmMigrations();
builder.AddCrmRedis();
var useElasticsearch = builder.AddCrmElasticsearch();

var app = builder.Build();

app.UseProblemDetailsErrors();
app.MapDefaultEndpoints();
app.Logger.LogInformation("Search backend: {Backend}",
    useElasticsearch ? "Elasticsearch" : "PostgreSQL full-text (ConnectionStrings:elasticsearch is not set)");

app.Run();

// Visible to the search service's integration tests (WebApplicationFactory<Program>).
public partial class Program;
