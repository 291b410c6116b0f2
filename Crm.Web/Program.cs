using Crm.Web.Api;
using Crm.Web.Auth;
using Crm.Web.Components;
using Crm.Web.Features.Lists;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCrmWebAuthentication();
builder.AddCrmApiClient();
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();

app.MapDefaultEndpoints();
// Browsers get pages rather than the API-style problem details the defaults produce.
app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapListExport();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();
