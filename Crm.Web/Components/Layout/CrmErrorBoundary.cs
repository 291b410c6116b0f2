using Crm.Web.Auth;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;

namespace Crm.Web.Components.Layout;

/// <summary>
/// Catches what a page did not: an ended session goes to the sign-in page (keeping the address to come back to);
/// anything else is logged and shown as a short message with a way back, while the rest of the app keeps working.
/// </summary>
public sealed class CrmErrorBoundary : ErrorBoundary
{
    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<CrmErrorBoundary> Logger { get; set; } = default!;

    protected override Task OnErrorAsync(Exception exception)
    {
        if (exception is SessionEndedException)
        {
            var returnUrl = "/" + Navigation.ToBaseRelativePath(Navigation.Uri);
            Navigation.NavigateTo($"/login?returnUrl={Uri.EscapeDataString(returnUrl)}", forceLoad: true);
        }
        else
        {
            Logger.LogError(exception, "A page failed");
        }
        return Task.CompletedTask;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        if (CurrentException is null)
        {
            builder.AddContent(0, ChildContent);
            return;
        }
        if (CurrentException is SessionEndedException)
        {
            builder.AddMarkupContent(1, "<div class=\"loading\" role=\"status\">Your session has ended. Taking you to sign in…</div>");
            return;
        }
        builder.AddMarkupContent(2, """
            <div class="alert alert-error" role="alert"><strong>This page ran into a problem.</strong>
            <span> It has been logged. Go back, or <a href="/">start again from the dashboard</a>.</span></div>
            """);
    }
}
