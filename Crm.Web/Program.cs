using Crm.Web.Components;
using Crm.Web.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmApiClient();
builder.Services.AddRazorComponents();

var app = builder.Build();

app.MapDefaultEndpoints();
// Browsers get pages rather than the API-style problem details the defaults produce.
app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>();

app.Run();
